import CamHubCore
import Testing

@Suite("JPEG header check")
struct JPEGHeaderTests {
    /// SOI, an APP0 segment, a baseline SOF0 for `width`x`height`, and EOI.
    static func minimalJPEG(width: Int, height: Int) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8]
        bytes += [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 0x03]
        bytes += [1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        bytes += [0xFF, 0xD9]
        return bytes
    }

    @Test func readsTheFrameSize() {
        let header = JPEGHeader(Self.minimalJPEG(width: 640, height: 480))
        #expect(header == JPEGHeader(Self.minimalJPEG(width: 640, height: 480)))
        #expect(header?.width == 640)
        #expect(header?.height == 480)
    }

    @Test(arguments: [
        [UInt8](),
        [0xFF, 0xD8],
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
        Array(minimalJPEG(width: 10, height: 10).dropLast(2)),
        minimalJPEG(width: 0, height: 10),
        [0xFF, 0xD8, 0xFF, 0xC0, 0xFF, 0xFF, 0xFF, 0xD9],
    ])
    func rejectsWhatIsNotAJPEG(bytes: [UInt8]) {
        #expect(JPEGHeader(bytes) == nil)
    }

    @Test func neverCrashesOnRandomOrTruncatedInput() {
        var generator = SystemRandomNumberGenerator()
        let valid = Self.minimalJPEG(width: 32, height: 16)
        for length in 0..<valid.count {
            _ = JPEGHeader(valid.prefix(length))
        }
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<64, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.count > 2 { bytes[0] = 0xFF; bytes[1] = 0xD8 }
            _ = JPEGHeader(bytes)
        }
    }
}
