@testable import CamHubCapture
import CamHubCore
import Foundation
import Testing

@Suite("JPEG scaler")
struct JPEGScalerTests {
    let picture: [UInt8] = {
        var renderer = TestPatternRenderer(width: 640, height: 480, title: "scale")
        return try! JPEGEncoder().encode(renderer.render(frameNumber: 1, at: Date()), quality: 80)
    }()

    @Test(arguments: [(320, 240), (80, 60), (320, 320), (1000, 700), (640, 480)])
    func producesExactlyTheSizeAsked(width: Int, height: Int) throws {
        let scaled = try JPEGScaler().scale(picture, toWidth: width, height: height)
        let header = try #require(JPEGHeader(scaled))
        #expect(header.width == width && header.height == height)
    }

    @Test func readsDimensionsAndRefusesNonJPEGs() throws {
        let scaler = JPEGScaler()
        #expect(try scaler.dimensions(of: picture) == (640, 480))
        #expect(throws: JPEGError.self) { try scaler.scale([0xFF, 0xD8, 0xFF, 0xD9], toWidth: 10, height: 10) }
    }

    @Test func bilinearResizeKeepsCornersAndBlendsBetween() {
        // 2x1 picture: black then white; resized to 3x1 the middle is grey.
        let pixels: [UInt8] = [0, 0, 0, 255, 255, 255]
        let resized = JPEGScaler.resize(pixels, width: 2, height: 1, toWidth: 3, height: 1)
        #expect(Array(resized[0..<3]) == [0, 0, 0])
        #expect(Array(resized[6..<9]) == [255, 255, 255])
        #expect(resized[3] == 128)
    }

    @Test func fixedPointResizeMatchesExactBilinearWithinTwoLevels() {
        var generator = SystemRandomNumberGenerator()
        let (width, height, newWidth, newHeight) = (37, 23, 320, 320)
        let pixels = (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let resized = JPEGScaler.resize(pixels, width: width, height: height, toWidth: newWidth, height: newHeight)
        var worst = 0
        for y in stride(from: 0, to: newHeight, by: 7) {
            for x in stride(from: 0, to: newWidth, by: 5) {
                let sx = Double(x) * Double(width - 1) / Double(newWidth - 1), sy = Double(y) * Double(height - 1) / Double(newHeight - 1)
                let x0 = Int(sx), y0 = Int(sy), x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
                let fx = sx - Double(x0), fy = sy - Double(y0)
                for channel in 0..<3 {
                    func at(_ px: Int, _ py: Int) -> Double { Double(pixels[(py * width + px) * 3 + channel]) }
                    let top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * fx
                    let bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * fx
                    let exact = top + (bottom - top) * fy
                    worst = max(worst, abs(Int(resized[(y * newWidth + x) * 3 + channel]) - Int(exact.rounded())))
                }
            }
        }
        #expect(worst <= 2, "8-bit weights round positions to 1/256 of a pixel")
    }

    @Test func scalingKeepsTheColoursWhereTheyWere() throws {
        // Left half red, right half blue, scaled from 640x480 to 320x320 (DCT 1/2, then stretched).
        var picture = YUV420Picture(width: 640, height: 480)
        picture.fill(x: 0, y: 0, width: 320, height: 480, color: YUVColor(red: 220, green: 20, blue: 20))
        picture.fill(x: 320, y: 0, width: 320, height: 480, color: YUVColor(red: 20, green: 20, blue: 220))
        let scaler = JPEGScaler()
        let small = try scaler.scale(try JPEGEncoder().encode(picture, quality: 90), toWidth: 320, height: 320)
        #expect(try scaler.dimensions(of: small) == (320, 320))
        let rgb = try scaler.rgb(of: small)
        func pixel(_ x: Int, _ y: Int) -> [Int] { (0..<3).map { Int(rgb[(y * 320 + x) * 3 + $0]) } }
        for y in [10, 160, 310] {
            let left = pixel(80, y), right = pixel(240, y)
            #expect(abs(left[0] - 220) < 16 && abs(left[2] - 20) < 16, "left \(left) at row \(y)")
            #expect(abs(right[0] - 20) < 16 && abs(right[2] - 220) < 16, "right \(right) at row \(y)")
        }
    }
}
