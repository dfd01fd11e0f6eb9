@testable import CamHubCapture
import CamHubCore
import Foundation
import Testing

/// The V4L2 capture logic against `FakeVideoDevice`, and the real ioctl layer where it can be
/// reached without a camera (a file that is not a device).
@Suite("V4L2 capture")
struct V4L2CaptureTests {
    static var settings: LocalCameraSettings {
        var settings = LocalCameraSettings(id: "usb", name: "USB")
        settings.source = "/dev/video9"
        settings.width = 64
        settings.height = 48
        settings.fps = 25
        settings.jpegQuality = 70
        return settings
    }

    static func jpeg(width: Int, height: Int, level: UInt8) throws -> [UInt8] {
        var picture = YUV420Picture(width: width, height: height)
        picture.fill(x: 0, y: 0, width: width, height: height, color: YUVColor(y: level, u: 128, v: 128))
        return try JPEGEncoder().encode(picture, quality: 80)
    }

    /// A YUYV picture of one colour.
    static func yuyv(width: Int, height: Int, y: UInt8, u: UInt8, v: UInt8) -> [UInt8] {
        Array((0..<(width / 2 * height)).map { _ in [y, u, y, v] }.joined())
    }

    /// Runs the capture on this thread until `frames` frames were handed out or it throws.
    static func capture(_ device: FakeVideoDevice, frames: Int, settings: LocalCameraSettings = settings) throws -> (CaptureOutput, (any Error)?) {
        let output = CaptureOutput(feed: CameraFeed(cameraID: "usb"))
        var handed = 0
        do {
            try V4L2Capture(settings: settings).run(device, into: output) {
                let statistics = output.statistics()
                handed = Int(statistics.framesCaptured + statistics.framesDropped)
                return handed >= frames
            }
            return (output, nil)
        } catch {
            return (output, error)
        }
    }

    @Test func mjpegIsPreferredAndPassedThroughByteForByte() throws {
        let frames = try [10, 120, 240].map { try Self.jpeg(width: 64, height: 48, level: UInt8($0)) }
        let device = FakeVideoDevice(offered: [.yuyv, .mjpeg], payloads: frames)
        let (output, error) = try Self.capture(device, frames: 3)
        #expect(error == nil)
        let log = device.log.snapshot
        #expect(log.requestedFormat?.0 == .mjpeg)
        #expect(log.requestedFormat?.1 == VideoFrameSize(width: 64, height: 48))
        #expect(log.frameRate == 25)
        #expect(log.bufferCount == V4L2Capture.bufferCount)
        #expect(log.requeued.count == 3, "every buffer goes back to the driver")
        #expect(log.stopped == 1)
        #expect(output.feed.recentFrames.map(\.jpeg) == frames)
        #expect(output.statistics().framesCaptured == 3)
    }

    @Test func yuyvIsEncodedAtTheSizeTheDriverChose() throws {
        let device = FakeVideoDevice(offered: [.yuyv], payloads: [Self.yuyv(width: 32, height: 24, y: 150, u: 60, v: 200)])
        device.forcedSize = VideoFrameSize(width: 32, height: 24)
        let (output, error) = try Self.capture(device, frames: 2)
        #expect(error == nil)
        let frame = try #require(output.feed.newest)
        #expect(frame.width == 32 && frame.height == 24)
        let decoded = try JPEGScaler().dimensions(of: frame.jpeg)
        #expect(decoded.width == 32 && decoded.height == 24)
        #expect(output.statistics().framesCaptured == 2)
    }

    @Test func yuyvBecomesPlanar420WithAveragedChroma() throws {
        // Two rows of two pixels: Y 10,20 / 30,40; U 100 over 200; V 50 over 70.
        let bytes: [UInt8] = [10, 100, 20, 50, /* padding */ 0, 0, 30, 200, 40, 70, 0, 0]
        let picture = try #require(bytes.withUnsafeBytes { YUYVConverter.picture(from: $0, width: 2, height: 2, bytesPerLine: 6) })
        #expect(picture.y == [10, 20, 30, 40])
        #expect(picture.u == [150])
        #expect(picture.v == [60])
        // Too few bytes for the size is refused, not read past.
        #expect([UInt8](repeating: 0, count: 7).withUnsafeBytes { YUYVConverter.picture(from: $0, width: 2, height: 2, bytesPerLine: 6) } == nil)
    }

    @Test func damagedAndNonJPEGBuffersAreDroppedAndStillGivenBack() throws {
        let good = try Self.jpeg(width: 64, height: 48, level: 90)
        let device = FakeVideoDevice(offered: [.mjpeg], payloads: [good, nil, [1, 2, 3, 4]])
        let (output, error) = try Self.capture(device, frames: 3)
        #expect(error == nil)
        let statistics = output.statistics()
        #expect(statistics.framesCaptured == 1)
        #expect(statistics.framesDropped == 2)
        #expect(device.log.snapshot.requeued.count == 3)
    }

    @Test func aDeviceWithoutAUsableFormatNamesWhatItOffers() throws {
        let device = FakeVideoDevice(offered: [FourCC("GREY"), FourCC("H264")], payloads: [])
        let (_, error) = try Self.capture(device, frames: 1)
        let message = "\(try #require(error))"
        #expect(message.contains("GREY") && message.contains("H264"))
        #expect(device.log.snapshot.bufferCount == nil, "nothing was streamed")
    }

    @Test func aDeviceThatCannotCaptureIsRefused() throws {
        let device = FakeVideoDevice(offered: [.mjpeg], payloads: [])
        device.deviceCapabilities.canCapture = false
        let (_, error) = try Self.capture(device, frames: 1)
        #expect("\(try #require(error))".contains("cannot stream video capture"))
    }

    @Test func anUnpluggedDeviceEndsTheCaptureWithAnErrorAndIsStopped() throws {
        let device = FakeVideoDevice(offered: [.mjpeg], payloads: [try Self.jpeg(width: 64, height: 48, level: 90)])
        device.failAfter = 2
        let (output, error) = try Self.capture(device, frames: 100)
        #expect("\(try #require(error))".contains("went away"))
        #expect(output.statistics().framesCaptured == 2)
        #expect(device.log.snapshot.stopped == 1)
    }

    @Test func aStalledDeviceIsGivenUpOnAfterTheStallTimeout() throws {
        let device = FakeVideoDevice(offered: [.mjpeg], payloads: [])
        device.stalled = true
        var capture = V4L2Capture(settings: Self.settings)
        capture.stallTimeout = .milliseconds(300)
        let started = ContinuousClock.now
        #expect(throws: VideoDeviceError.self) {
            try capture.run(device, into: CaptureOutput(feed: CameraFeed(cameraID: "usb"))) { false }
        }
        #expect(ContinuousClock.now - started >= .milliseconds(300))
    }

    @Test func theSourceRunsOnItsOwnThreadAndStopsTheDeviceWhenCancelled() async throws {
        let log = FakeVideoDevice.Log()
        let frame = try Self.jpeg(width: 64, height: 48, level: 200)
        let source = V4L2Source(device: "/dev/video9", settings: Self.settings) { path in
            FakeVideoDevice(path: path, offered: [.mjpeg], payloads: [frame], log: log)
        }
        let output = CaptureOutput(feed: CameraFeed(cameraID: "usb"))
        let running = Task { try await source.run(into: output) }
        let deadline = ContinuousClock.now + .seconds(5)
        while output.statistics().framesCaptured < 5, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(output.statistics().framesCaptured >= 5)
        running.cancel()
        await #expect(throws: CancellationError.self) { try await running.value }
        #expect(log.snapshot.stopped == 1)
    }

    @Test func sourceStringsNameV4L2Devices() throws {
        var settings = Self.settings
        settings.source = "/dev/video0"
        #expect((try settings.makeSource() as? V4L2Source)?.device == "/dev/video0")
        settings.source = "v4l2:/dev/v4l/by-id/usb-cam-video-index0"
        #expect((try settings.makeSource() as? V4L2Source)?.device == "/dev/v4l/by-id/usb-cam-video-index0")
        #expect(!LocalCameraSettings.isSupported(source: "/dev/video"))
        #expect(!LocalCameraSettings.isSupported(source: "v4l2:"))
    }

    @Test func theRealIoctlLayerReportsAFileThatIsNotADevice() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-not-a-camera-\(UUID().uuidString)")
        try Data([0]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let device = try LinuxVideoDevice(path: file.path)
        #expect(throws: VideoDeviceError.self) { try device.capabilities() }
        #expect(throws: VideoDeviceError.self) { try LinuxVideoDevice(path: "/nonexistent/video0") }
    }

    @Test func theCatalogListsDevicesInNumberOrderWithTheirFormats() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-dev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["video10", "video2", "video0", "videoX", "null"] {
            _ = FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: nil)
        }
        #expect(VideoDeviceCatalog.devicePaths(in: folder.path).map { URL(fileURLWithPath: $0).lastPathComponent } == ["video0", "video2", "video10"])

        let reports = VideoDeviceCatalog.reports(in: folder.path) { path in
            let device = FakeVideoDevice(path: path, offered: [.mjpeg, .yuyv, FourCC("H264")], payloads: [])
            device.sizes = [.mjpeg: [VideoFrameSize(width: 1280, height: 720), VideoFrameSize(width: 640, height: 480)]]
            if path.hasSuffix("video2") { device.deviceCapabilities.canCapture = false }
            return device
        }
        #expect(reports.count == 3)
        #expect(reports[0].formats.map(\.isUsable) == [true, true, false])
        #expect(reports[1].problem?.contains("not a capture device") == true)
        let text = VideoDeviceCatalog.text(reports)
        #expect(text.contains("MJPG  fake MJPG [passed through]: 1280x720 640x480"))
        #expect(text.contains("YUYV  fake YUYV [encoded]"))
        #expect(text.contains("H264  fake H264 [not read by camhub]"))
        #expect(text.contains("\"source\": \"\(folder.path)/video0\""))
        #expect(VideoDeviceCatalog.text([]).contains("No video devices found"))
    }
}
