@testable import CamHubCapture
import CamHubCore
import Foundation
import Testing

@Suite("Test pattern and JPEG encoding")
struct TestPatternTests {
    @Test func encodesAValidJPEGOfTheRequestedSize() throws {
        var renderer = TestPatternRenderer(width: 320, height: 240, title: "Lobby")
        let jpeg = try JPEGEncoder().encode(renderer.render(frameNumber: 1, at: Date()), quality: 80)
        let header = try #require(JPEGHeader(jpeg))
        #expect(header.width == 320)
        #expect(header.height == 240)
        #expect(jpeg.count > 2000)
    }

    @Test func framesChangeOverTime() throws {
        var renderer = TestPatternRenderer(width: 160, height: 120, title: "x")
        let first = renderer.render(frameNumber: 1, at: Date(timeIntervalSince1970: 0))
        let second = renderer.render(frameNumber: 2, at: Date(timeIntervalSince1970: 0.5))
        #expect(first.y != second.y)
    }

    @Test func clockShowsUTCTimeWithMilliseconds() {
        #expect(TestPatternRenderer.clock(Date(timeIntervalSince1970: 3661.042)) == "01:01:01.042 UTC")
    }

    @Test func fillClipsToThePicture() {
        var picture = YUV420Picture(width: 8, height: 8)
        picture.fill(x: -4, y: 6, width: 100, height: 100, color: .white)
        #expect(picture.y[7 * 8 + 7] == YUVColor.white.y)
        #expect(picture.y[0] != YUVColor.white.y)
    }

    @Test func serviceSourcePublishesAtItsFrameRate() async throws {
        var settings = LocalCameraSettings(id: "tp", name: "tp")
        settings.width = 64
        settings.height = 48
        settings.fps = 50
        let feed = CameraFeed(cameraID: "tp")
        let source = try settings.makeSource()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await source.run(into: CaptureOutput(feed: feed)) }
            while (feed.newest?.sequence ?? 0) < 10 { try await Task.sleep(for: .milliseconds(5)) }
            group.cancelAll()
            try? await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(150), "10 frames at 50 fps take at least ~180 ms")
        #expect(JPEGHeader(feed.newest!.jpeg)?.width == 64)
    }

    @Test func folderSourceReplaysTheFilesInNameOrder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JPEGEncoder()
        for (index, size) in [(1, 32), (2, 48)] {
            var renderer = TestPatternRenderer(width: size, height: size, title: "")
            let jpeg = try encoder.encode(renderer.render(frameNumber: 0, at: Date()), quality: 50)
            try Data(jpeg).write(to: folder.appendingPathComponent("frame\(index).jpg"))
        }
        try Data("not a jpeg".utf8).write(to: folder.appendingPathComponent("frame3.jpg"))
        let frames = try FolderSource(path: folder.path, fps: 10).loadFrames()
        #expect(frames.map(\.1.width) == [32, 48])
        #expect(throws: CamHubError.self) { try FolderSource(path: "/nonexistent/camhub", fps: 10).loadFrames() }
    }

    @Test func unsupportedSourcesAreRefused() {
        var settings = LocalCameraSettings(id: "x", name: "x")
        settings.source = "gopher://camera.local/stream"
        #expect(throws: CamHubError.self) { try settings.makeSource() }
    }
}
