@testable import CamHubCapture
import CamHubCore
import Foundation
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
        let arguments = FFmpegSource(input: "rtsp://10.0.0.5/stream", settings: Self.settings).arguments()
        #expect(arguments.contains("-rtsp_transport"))
        #expect(arguments.contains("scale=640:360"))
        #expect(arguments[arguments.firstIndex(of: "-r")! + 1] == "12")
        #expect(arguments.suffix(3) == ["-f", "mpjpeg", "pipe:1"])
        #expect(!arguments.contains("-stream_loop"))
    }

    @Test func aFileIsLoopedAtItsOwnPace() {
        let arguments = FFmpegSource(input: "/videos/gate.mp4", settings: Self.settings).arguments()
        #expect(arguments.contains("-re"))
        #expect(arguments.contains("-stream_loop"))
    }

    @Test func passwordsStayOutOfLogs() {
        #expect(SourceAddress.redacted("rtsp://admin:s3cret@10.0.0.5/stream") == "rtsp://admin:***@10.0.0.5/stream")
        #expect(SourceAddress.redacted("/videos/gate.mp4") == "/videos/gate.mp4")
        #expect(SourceAddress.redacted("ffmpeg:http://admin:s3cret@10.0.0.5/video") == "ffmpeg:http://admin:***@10.0.0.5/video")
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

    @Test func anHTTPCameraPasswordBecomesABasicAuthorizationHeader() {
        #expect(HTTPMJPEGSource.basicAuthorization("http://admin:s%40cret@10.0.0.5/video") == "Basic YWRtaW46c0BjcmV0")
        #expect(HTTPMJPEGSource.withoutCredentials("http://admin:s3cret@10.0.0.5:81/video?x=1") == "http://10.0.0.5:81/video?x=1")
        #expect(HTTPMJPEGSource.basicAuthorization("http://10.0.0.5/video") == nil)
    }

    @Test func aPasswordGoesInAPrivateScriptNotOnTheCommandLine() throws {
        let source = FFmpegSource(input: "rtsp://admin:it's-s3cret@10.0.0.5/stream", settings: Self.settings)
        #expect(source.hasPassword)
        let script = try #require(try source.writeScriptIfNeeded())
        defer { try? FileManager.default.removeItem(at: script) }
        let arguments = source.arguments(script: script.path)
        #expect(!arguments.joined(separator: " ").contains("s3cret"))
        #expect(arguments.contains("concat") && arguments.contains(script.path))
        let attributes = try FileManager.default.attributesOfItem(atPath: script.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOf: script, encoding: .utf8)
        #expect(text == "ffconcat version 1.0\nfile 'rtsp://admin:it'\\''s-s3cret@10.0.0.5/stream'\noption rtsp_transport tcp\n")
        // Without a password nothing is written and the input stays on the command line.
        let plain = FFmpegSource(input: "rtsp://10.0.0.5/stream", settings: Self.settings)
        #expect(try plain.writeScriptIfNeeded() == nil)
        #expect(plain.arguments().contains("rtsp://10.0.0.5/stream"))
    }
}
