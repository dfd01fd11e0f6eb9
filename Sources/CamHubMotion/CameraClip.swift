import CamHubCore
import Synchronization

/// One motion camera's frames for clips: a sink on its feed that keeps the last seconds in memory
/// (the `pre_capture` of an event that has not started yet), and while a clip is being recorded,
/// hands every frame to the clip writer as it arrives, until `post_capture` seconds after the
/// event's end. It only copies references and never waits, so the camera's publisher is never held.
final class CameraClip: FrameSink, Sendable {
    /// Frames kept beyond `pre_capture`, for the time motion takes to be confirmed (`min_frames`).
    static let slackMicroseconds: Int64 = 3_000_000
    /// Bounds on what waits in memory, whatever the camera sends.
    static let maxBufferedFrames = 300
    static let maxBufferedBytes = 24 * 1024 * 1024

    let cameraID: CameraID
    let feed: CameraFeed
    private let write: @Sendable (ClipWrite) -> Void
    private let state: Mutex<State>

    private struct State {
        var recent: [Frame] = []
        var recentBytes = 0
        var preCapture: Int64
        /// The clip being recorded, and when it stops (nil while its event is under way).
        var recording: String?
        var stopAt: FrameTimestamp?
    }

    init(cameraID: CameraID, feed: CameraFeed, preCapture: Double, write: @escaping @Sendable (ClipWrite) -> Void) {
        self.cameraID = cameraID
        self.feed = feed
        self.write = write
        state = Mutex(State(preCapture: Int64(preCapture * 1_000_000)))
    }

    func setPreCapture(_ seconds: Double) {
        state.withLock { $0.preCapture = Int64(seconds * 1_000_000) }
    }

    func frameDidArrive(_ frame: Frame) {
        let writes = state.withLock { state -> [ClipWrite] in
            state.recent.append(frame)
            state.recentBytes += frame.jpeg.count
            let oldest = frame.timestamp.microseconds - state.preCapture - Self.slackMicroseconds
            var drop = 0
            while drop < state.recent.count - 1,
                state.recent[drop].timestamp.microseconds < oldest || state.recent.count - drop > Self.maxBufferedFrames
                    || state.recentBytes > Self.maxBufferedBytes
            {
                state.recentBytes -= state.recent[drop].jpeg.count
                drop += 1
            }
            state.recent.removeFirst(drop)
            guard let clip = state.recording else { return [] }
            if let stopAt = state.stopAt, frame.timestamp > stopAt {
                state.recording = nil
                state.stopAt = nil
                return [.close(clip)]
            }
            return [.append(clip, frame)]
        }
        for item in writes { write(item) }
    }

    /// Starts recording `clip` with the frames since `start` less `pre_capture`; a clip still in
    /// its `post_capture` is closed first.
    func begin(_ clip: String, start: FrameTimestamp) {
        let writes = state.withLock { state -> [ClipWrite] in
            var writes: [ClipWrite] = []
            if let previous = state.recording { writes.append(.close(previous)) }
            writes.append(.open(clip))
            let from = start.microseconds - state.preCapture
            writes += state.recent.filter { $0.timestamp.microseconds >= from }.map { .append(clip, $0) }
            state.recording = clip
            state.stopAt = nil
            return writes
        }
        for item in writes { write(item) }
    }

    /// The event ended at `end`: frames go on into its clip for `postCapture` seconds more.
    func end(_ clip: String, at end: FrameTimestamp, postCapture: Double) {
        state.withLock { state in
            guard state.recording == clip else { return }
            state.stopAt = FrameTimestamp(microseconds: end.microseconds + Int64(postCapture * 1_000_000))
        }
    }

    /// Closes the clip if its `post_capture` is over by `now` (a camera that stopped sending), or
    /// at once with `force` (the camera is no longer analysed, or the hub stops).
    func closeIfDone(now: FrameTimestamp, force: Bool = false) {
        let clip = state.withLock { state -> String? in
            guard let clip = state.recording else { return nil }
            guard force || (state.stopAt.map { $0 < now } ?? false) else { return nil }
            state.recording = nil
            state.stopAt = nil
            return clip
        }
        if let clip { write(.close(clip)) }
    }

    func feedDidClose() {}

    func sinkStatistics(newestSequence: UInt64?) -> SinkStatistics {
        SinkStatistics(viewers: [], retiredDelivered: 0, retiredSkipped: 0)
    }
}

/// What the clip writer is asked to do, in order.
enum ClipWrite: Sendable {
    case open(String)
    case append(String, Frame)
    case close(String)
}
