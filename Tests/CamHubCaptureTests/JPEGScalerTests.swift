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
}
