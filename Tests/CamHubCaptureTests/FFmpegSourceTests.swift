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

    @Test func ffmpegOpensOnlyWhatTheSourcesSchemeNeeds() {
        func whitelist(_ input: String) -> String? {
            let arguments = FFmpegSource(input: input, settings: Self.settings).arguments()
            return arguments.firstIndex(of: "-protocol_whitelist").map { arguments[$0 + 1] }
        }
        #expect(whitelist("rtsp://10.0.0.5/stream") == "tcp,udp,rtp,rtsp,tls,https,http")
        #expect(whitelist("https://10.0.0.5/live.m3u8") == "tcp,udp,rtp,rtsp,tls,https,http")
        for local in ["/videos/gate.mp4", "concat:/etc/hostname|/etc/hostname", "subfile:,start,0,end,9,:/etc/hostname", "file:/videos/gate.mp4"] {
            #expect(whitelist(local) == "file,crypto,data", "\(local)")
        }
        #expect(whitelist("rtsp://admin:pw@10.0.0.5/stream") == "pipe,tcp,udp,rtp,rtsp,tls,https,http")
        // The input is one argument after -i, and never an option.
        #expect(SourceKind("ffmpeg:-f lavfi") == nil && SourceKind("ffmpeg:-i") == nil)
        #expect(SourceKind("ffmpeg:/videos/-odd.mp4") == .ffmpeg(input: "/videos/-odd.mp4"))
    }

    @Test func onlyTheConfigFileMayNameASourceThatReadsThisMachinesFiles() {
        for local in ["file:/srv/frames", "ffmpeg:/root/secret.jpg", "ffmpeg:concat:/a|/b", "ffmpeg:file:/x"] {
            #expect(SourceKind(local)?.readsLocalFiles == true, "\(local)")
        }
        for other in ["testpattern", "http://10.0.0.5/video", "rtsp://10.0.0.5/s", "ffmpeg:rtsp://10.0.0.5/s", "/dev/video0", "v4l2:/dev/video2"] {
            #expect(SourceKind(other)?.readsLocalFiles == false, "\(other)")
        }
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

    @Test func credentialsGoThroughAPipeNeverOnTheCommandLineNorInAFile() {
        let source = FFmpegSource(input: "rtsp://admin:it's-we#ird@10.0.0.5/stream", settings: Self.settings)
        #expect(source.hasCredentials)
        let arguments = source.arguments()
        #expect(!arguments.joined(separator: " ").contains("we#ird"))
        #expect(!arguments.joined(separator: " ").contains("admin"))
        #expect(arguments.contains("concat") && arguments[arguments.firstIndex(of: "-i")! + 1] == "pipe:0")
        #expect(!arguments.contains("-nostdin"))
        // The password is escaped for ffmpeg, which cuts a URL at a raw '#'.
        #expect(source.concatScript == "ffconcat version 1.0\nfile 'rtsp://admin:it'\\''s-we%23ird@10.0.0.5/stream'\noption rtsp_transport tcp\n")
        // A user without a password counts too; a URL without either stays on the command line.
        #expect(FFmpegSource(input: "http://viewer@10.0.0.5/v", settings: Self.settings).hasCredentials)
        let plain = FFmpegSource(input: "rtsp://10.0.0.5/stream", settings: Self.settings)
        #expect(!plain.hasCredentials)
        #expect(plain.arguments().contains("rtsp://10.0.0.5/stream"))
        #expect(plain.arguments().contains("-nostdin"))
    }

    @Test func aPasswordURLCannotParseIsStillRedactedAndUsed() {
        #expect(SourceAddress.redacted("ffmpeg:rtsp://admin:we#ird@10.0.0.5/s") == "ffmpeg:rtsp://admin:***@10.0.0.5/s")
        #expect(HTTPMJPEGSource.basicAuthorization("http://admin:we#ird@10.0.0.5/video") == "Basic " + Data("admin:we#ird".utf8).base64EncodedString())
        #expect(HTTPMJPEGSource.withoutCredentials("http://admin:we#ird@10.0.0.5/video") == "http://10.0.0.5/video")
    }
}
