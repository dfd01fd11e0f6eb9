@testable import CamHubCapture
import CamHubCore
import Foundation
import Synchronization

/// A V4L2 device in memory: it offers the formats it is told to, "fills" its buffers from a list of
/// payloads, and records what the capture logic asked of it. These machines have no camera, so
/// this is how the capture logic is tested.
final class FakeVideoDevice: VideoDevice {
    /// What the capture logic did to the device, readable from any task.
    final class Log: Sendable {
        struct Entries {
            var requestedFormat: (FourCC, VideoFrameSize)?
            var frameRate: Int?
            var bufferCount: Int?
            var requeued: [Int] = []
            var stopped = 0
        }

        private let entries = Mutex(Entries())
        func update(_ change: (inout Entries) -> Void) { entries.withLock { change(&$0) } }
        var snapshot: Entries { entries.withLock { $0 } }
    }

    let path: String
    var deviceCapabilities = VideoDeviceCapabilities(driver: "fake", card: "Fake Camera", busInfo: "test", canCapture: true, canStream: true)
    var offered: [VideoFormatDescription]
    var sizes: [FourCC: [VideoFrameSize]] = [:]
    /// The size the "driver" settles on; nil takes the one asked for.
    var forcedSize: VideoFrameSize?
    /// Buffers handed out in turn, looping; a nil payload stands for a damaged frame.
    var payloads: [[UInt8]?]
    /// After this many frames the device "is unplugged" (dequeue throws); nil never.
    var failAfter: Int?
    /// Deliver nothing at all (a stalled device).
    var stalled = false
    let log: Log

    private var storage: [UnsafeMutableRawBufferPointer] = []
    private var delivered = 0
    private var streaming = false

    init(path: String = "/dev/video9", offered: [FourCC], payloads: [[UInt8]?], log: Log = Log()) {
        self.path = path
        self.offered = offered.map { VideoFormatDescription(format: $0, description: "fake \($0)") }
        self.payloads = payloads
        self.log = log
    }

    deinit {
        for buffer in storage { buffer.deallocate() }
    }

    func capabilities() throws -> VideoDeviceCapabilities { deviceCapabilities }
    func formats() throws -> [VideoFormatDescription] { offered }
    func frameSizes(of format: FourCC) throws -> [VideoFrameSize] { sizes[format] ?? [] }

    func setFormat(_ format: FourCC, size: VideoFrameSize) throws -> NegotiatedVideoFormat {
        log.update { $0.requestedFormat = (format, size) }
        let size = forcedSize ?? size
        return NegotiatedVideoFormat(format: format, size: size, bytesPerLine: format == .yuyv ? size.width * 2 : 0)
    }

    func setFrameRate(_ fps: Int) throws {
        log.update { $0.frameRate = fps }
    }

    func startStreaming(bufferCount: Int) throws {
        log.update { $0.bufferCount = bufferCount }
        let largest = payloads.map { $0?.count ?? 0 }.max() ?? 0
        storage = (0..<bufferCount).map { _ in .allocate(byteCount: max(1, largest), alignment: 16) }
        streaming = true
    }

    func dequeue(timeoutMilliseconds: Int) throws -> VideoBuffer? {
        guard streaming else { throw VideoDeviceError("not streaming") }
        if let failAfter, delivered >= failAfter { throw VideoDeviceError("\(path) went away") }
        guard !stalled, !payloads.isEmpty else {
            usleep(UInt32(min(timeoutMilliseconds, 20)) * 1000)
            return nil
        }
        let index = delivered % storage.count
        let payload = payloads[delivered % payloads.count]
        delivered += 1
        guard let payload else {
            return VideoBuffer(index: index, bytes: UnsafeRawBufferPointer(start: storage[index].baseAddress, count: 0), isDamaged: true)
        }
        payload.withUnsafeBytes { storage[index].copyMemory(from: $0) }
        return VideoBuffer(index: index, bytes: UnsafeRawBufferPointer(rebasing: storage[index][0..<payload.count]))
    }

    func requeue(_ buffer: VideoBuffer) throws {
        log.update { $0.requeued.append(buffer.index) }
    }

    func stopStreaming() {
        if streaming { log.update { $0.stopped += 1 } }
        streaming = false
    }
}
