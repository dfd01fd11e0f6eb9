public import CamHubCore
import Foundation
import Synchronization

/// A Video4Linux2 device (`/dev/videoN`, or `v4l2:<path>`), read natively with mmap streaming.
///
/// The device is opened and read on a thread of its own, because `poll` and the ioctls block;
/// cancelling the task stops that thread within one poll interval (200 ms), and the device is
/// closed before `run` returns.
public struct V4L2Source: FrameSource {
    public let device: String
    public let settings: LocalCameraSettings
    let openDevice: @Sendable (String) throws -> any VideoDevice

    public init(device: String, settings: LocalCameraSettings) {
        self.init(device: device, settings: settings) { try LinuxVideoDevice(path: $0) }
    }

    /// `openDevice` makes the device; tests hand in a fake one.
    public init(device: String, settings: LocalCameraSettings, openDevice: @escaping @Sendable (String) throws -> any VideoDevice) {
        self.device = device
        self.settings = settings
        self.openDevice = openDevice
    }

    public func run(into output: CaptureOutput) async throws {
        let stop = StopFlag()
        let (device, settings, openDevice) = (device, settings, openDevice)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (finished: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        let opened = try openDevice(device)
                        try V4L2Capture(settings: settings).run(opened, into: output, shouldStop: stop.isSet)
                        finished.resume()
                    } catch {
                        finished.resume(throwing: error)
                    }
                }
                thread.name = "camhub-v4l2"
                thread.start()
            }
        } onCancel: {
            stop.set()
        }
        try Task.checkCancellation()
    }
}

/// A flag one thread sets and another polls.
final class StopFlag: Sendable {
    private let flag = Atomic(false)

    func set() {
        flag.store(true, ordering: .relaxed)
    }

    func isSet() -> Bool {
        flag.load(ordering: .relaxed)
    }
}
