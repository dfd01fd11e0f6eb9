@testable import CamHubCapture
import CamHubCore
import Logging
import Testing

@Suite("ffmpeg source")
struct FFmpegSourceTests {
    static var settings: LocalCameraSettings {
        var settings = LocalCameraSettings(id: "cam", name: "Cam")
        settings.width = 640
        settings.height = 360
        settings.fps = 12
        return settings
    }

    @Test func rtspUsesTCPAndTheCamerasSizeAndRate() {
        let arguments = FFmpegSource(input: "rtsp://10.0.0.5/stream", settings: Self.settings).arguments
        #expect(arguments.contains("-rtsp_transport"))
        #expect(arguments.contains("scale=640:360"))
        #expect(arguments[arguments.firstIndex(of: "-r")! + 1] == "12")
        #expect(arguments.suffix(3) == ["-f", "mpjpeg", "pipe:1"])
        #expect(!arguments.contains("-stream_loop"))
    }

    @Test func aFileIsLoopedAtItsOwnPace() {
        let arguments = FFmpegSource(input: "/videos/gate.mp4", settings: Self.settings).arguments
        #expect(arguments.contains("-re"))
        #expect(arguments.contains("-stream_loop"))
    }

    @Test func passwordsStayOutOfLogs() {
        #expect(FFmpegSource.redacted("rtsp://admin:s3cret@10.0.0.5/stream") == "rtsp://admin:***@10.0.0.5/stream")
        #expect(FFmpegSource.redacted("/videos/gate.mp4") == "/videos/gate.mp4")
    }

    @Test func sourceStringsPickTheirSource() throws {
        var settings = Self.settings
        settings.source = "rtsp://10.0.0.5/stream"
        #expect(try settings.makeSource() is FFmpegSource)
        settings.source = "ffmpeg:/dev/video0"
        #expect((try settings.makeSource() as? FFmpegSource)?.input == "/dev/video0")
        settings.source = "http://10.0.0.5/video.mjpg"
        #expect(try settings.makeSource() is HTTPMJPEGSource)
        #expect(LocalCameraSettings.isSupported(source: "rtsp://host/x"))
        #expect(!LocalCameraSettings.isSupported(source: "rtsp://"))
        #expect(!LocalCameraSettings.isSupported(source: "ffmpeg:"))
    }
}

@Suite("Camera supervision")
struct SupervisionTests {
    @Test func reconnectsBackOffFromTheIntervalUpTo30Seconds() {
        var settings = LocalCameraSettings(id: "cam", name: "Cam")
        settings.reconnectInterval = 2
        let delays = (1...6).map { LocalCameras.reconnectDelay(settings: settings, failuresInARow: $0) }
        #expect(delays == [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
        settings.reconnectInterval = 45
        #expect(LocalCameras.reconnectDelay(settings: settings, failuresInARow: 3) == .seconds(45))
    }

    @Test func aSourceThatIsDownShowsANoSignalFrameOfTheCamerasSize() async throws {
        var settings = LocalCameraSettings(id: "down", name: "Down")
        settings.source = "file:/nonexistent-folder-for-camhub-tests"
        settings.width = 160
        settings.height = 120
        settings.maxFrameAge = 0.5
        settings.reconnectInterval = 0.2
        let frames = FrameHub()
        let cameras = LocalCameras(cameras: [settings], frames: frames, logger: .init(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await cameras.run() }
            let deadline = ContinuousClock.now + .seconds(10)
            while frames.existingFeed(for: "down")?.newest == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let shown = try #require(frames.existingFeed(for: "down")?.newest)
            #expect(shown.width == 160 && shown.height == 120)
            #expect(JPEGHeader(shown.jpeg) != nil)
            group.cancelAll()
        }
    }
}
