public import CamHubCore
import Foundation
public import Logging
import Synchronization

/// Records each motion event's clip: the camera's own JPEGs from `pre_capture` seconds before the
/// event to `post_capture` after it, written to the `ClipStore` as they arrive.
///
/// Frames reach the writer through one bounded queue, written by one task (`run`), so a slow or
/// full disk never holds a camera's publisher or its viewers: past the queue's bound frames are
/// dropped and counted. A failed write (a full disk) is a log line and a counter; the clip keeps
/// what was written before it, and live video is not touched.
public final class ClipRecorder: Sendable {
    /// Writes waiting for the disk, at most.
    static let queueLimit = 512

    public let store: ClipStore
    private let logger: Logger
    private let cameras = Mutex<[CameraID: CameraClip]>([:])
    private let queue: Mutex<AsyncStream<ClipWrite>.Continuation?>
    private let writes: AsyncStream<ClipWrite>
    private let counters = Mutex(Counters())

    /// What has been written, for `/metrics`.
    public struct Counters: Sendable, Equatable {
        public var clipsStarted = 0
        public var framesWritten = 0
        public var bytesWritten = 0
        /// Frames the queue had no room for.
        public var framesDropped = 0
        /// Writes the disk refused (a full disk, for one); each stops its clip.
        public var writeFailures = 0
    }

    public init(store: ClipStore, logger: Logger) {
        self.store = store
        self.logger = logger
        let (writes, continuation) = AsyncStream.makeStream(of: ClipWrite.self, bufferingPolicy: .bufferingOldest(Self.queueLimit))
        self.writes = writes
        queue = Mutex(continuation)
    }

    public var statistics: Counters { counters.withLock { $0 } }

    /// Writes clips until `finish` is called and what was queued is written. Run once.
    public func run() async {
        var open: [String: ClipOutput] = [:]
        var failed: Set<String> = []
        for await write in writes {
            switch write {
            case .open(let name):
                do {
                    open[name] = try store.create(name)
                    counters.withLock { $0.clipsStarted += 1 }
                } catch {
                    failed.insert(name)
                    refused(name, error)
                }
            case .append(let name, let frame):
                guard let output = open[name] else { continue }
                do {
                    try output.append(ClipFile.Frame(timestamp: frame.timestamp, jpeg: frame.jpeg))
                    counters.withLock {
                        $0.framesWritten += 1
                        $0.bytesWritten += frame.jpeg.count + ClipFile.frameHeaderBytes
                    }
                } catch {
                    open.removeValue(forKey: name)?.close()
                    failed.insert(name)
                    refused(name, error)
                }
            case .close(let name):
                open.removeValue(forKey: name)?.close()
                failed.remove(name)
            }
        }
        for output in open.values { output.close() }
    }

    private func refused(_ name: String, _ error: any Error) {
        counters.withLock { $0.writeFailures += 1 }
        logger.error("a clip could not be written; it keeps what was written before", metadata: ["clip": "\(name)", "reason": "\(writeFailureReason(error))"])
    }

    private func enqueue(_ write: ClipWrite) {
        let result = queue.withLock { $0?.yield(write) }
        if case .dropped = result {
            counters.withLock { $0.framesDropped += 1 }
        }
    }

    /// Keeps `cameraID`'s recent frames from now on (again, if its feed was replaced).
    func watch(_ cameraID: CameraID, feed: CameraFeed, preCapture: Double) {
        let (added, replaced) = cameras.withLock { cameras -> (CameraClip?, CameraClip?) in
            if let camera = cameras[cameraID], camera.feed === feed {
                camera.setPreCapture(preCapture)
                return (nil, nil)
            }
            let camera = CameraClip(cameraID: cameraID, feed: feed, preCapture: preCapture) { [weak self] in self?.enqueue($0) }
            let replaced = cameras.updateValue(camera, forKey: cameraID)
            return (camera, replaced)
        }
        if let replaced {
            replaced.closeIfDone(now: .now(), force: true)
            replaced.feed.removeSink(replaced)
        }
        added.map { feed.addSink($0) }
    }

    /// Stops keeping `cameraID`'s frames; its clip under way is closed.
    func forget(_ cameraID: CameraID) {
        guard let camera = cameras.withLock({ $0.removeValue(forKey: cameraID) }) else { return }
        camera.closeIfDone(now: .now(), force: true)
        camera.feed.removeSink(camera)
    }

    /// Starts `event`'s clip; its name, or nil when the camera's frames are not kept.
    func begin(_ event: CameraEvent) -> String? {
        guard let camera = cameras.withLock({ $0[event.cameraID] }) else { return nil }
        let name = ClipStore.name(of: event.id)
        camera.begin(name, start: FrameTimestamp(microseconds: Int64(event.start.timeIntervalSince1970 * 1_000_000)))
        return name
    }

    /// `event` ended: its clip stops `postCapture` seconds after its end.
    func end(_ event: CameraEvent, postCapture: Double) {
        guard let clip = event.clip, let end = event.end, let camera = cameras.withLock({ $0[event.cameraID] }) else { return }
        camera.end(clip, at: FrameTimestamp(microseconds: Int64(end.timeIntervalSince1970 * 1_000_000)), postCapture: postCapture)
    }

    /// Closes the clips whose `post_capture` is over although their camera sent nothing since.
    func closeFinished(now: FrameTimestamp = .now()) {
        for camera in cameras.withLock({ Array($0.values) }) { camera.closeIfDone(now: now) }
    }

    /// Closes every clip and lets `run` return once the queue is written.
    public func finish() {
        for id in cameras.withLock({ Array($0.keys) }) { forget(id) }
        queue.withLock { queue in
            queue?.finish()
            queue = nil
        }
    }
}
