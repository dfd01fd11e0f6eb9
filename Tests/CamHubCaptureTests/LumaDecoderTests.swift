import CamHubCapture
import CamHubCore
import Testing

@Suite("Luminance for motion")
struct LumaDecoderTests {
    /// A dark 640x480 picture with a bright 160x120 block at (320, 240).
    static func picture(width: Int = 640, height: Int = 480) throws -> [UInt8] {
        var picture = YUV420Picture(width: width, height: height)
        picture.fill(x: 0, y: 0, width: width, height: height, color: YUVColor(y: 40, u: 128, v: 128))
        picture.fill(x: width / 2, y: height / 2, width: width / 4, height: height / 4, color: YUVColor(y: 220, u: 90, v: 200))
        return try JPEGEncoder().encode(picture, quality: 85)
    }

    @Test func aVGAFrameIsDecodedAtAnEighthToItsLuminanceOnly() throws {
        let plane = try LumaDecoder().decode(try Self.picture())
        #expect(plane.width == 80 && plane.height == 60)
        // The block is at (40, 30) to (60, 45) at this size; the colour did not leak into it.
        #expect(abs(Int(plane[50, 37]) - 220) <= 6)
        #expect(abs(Int(plane[10, 10]) - 40) <= 6)
        #expect(abs(Int(plane[39, 29]) - 40) <= 12)
    }

    @Test func theScaleKeepsAtLeastTheMinimumWidth() throws {
        #expect(try LumaDecoder(minimumWidth: 120).decode(try Self.picture()).width == 160)
        // A picture smaller than the minimum is decoded at its own size.
        let small = try LumaDecoder().decode(try Self.picture(width: 64, height: 48))
        #expect(small.width == 64 && small.height == 48)
    }

    @Test func aBrokenJPEGIsAnErrorNotACrash() {
        #expect(throws: JPEGError.self) { try LumaDecoder().decode([0xFF, 0xD8, 0x00, 0x01]) }
        #expect(throws: JPEGError.self) { try LumaDecoder().decode([]) }
    }
}
