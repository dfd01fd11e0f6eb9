import Synchronization

/// The live frames of one camera: the newest frame, a small ring of recent ones, and the viewers
/// waiting for the next.
///
/// Ownership and backpressure: `publish` never waits for a viewer. It swaps the newest frame under
/// a lock and wakes the viewers that were already waiting. A viewer that is busy (a slow socket)
/// is not waiting, so it is simply not woken; when it asks again it gets whatever is newest then
/// and the frames in between count as skipped. No viewer ever holds more than one frame, so memory
/// is bounded by the ring plus one frame per viewer.
public final class CameraFeed: Sendable {
    public let cameraID: CameraID
    private let state: Mutex<State>

    public init(cameraID: CameraID, ringCapacity: Int = 8) {
        self.cameraID = cameraID
        self.state = Mutex(State(ring: FrameRing(capacity: ringCapacity)))
    }

    // MARK: Producing

    /// Adds a frame as the newest one and hands it to every waiting viewer.
    @discardableResult
    public func publish(jpeg: [UInt8], width: Int, height: Int, at timestamp: FrameTimestamp = .now()) -> Frame {
        let (frame, waiters) = state.withLock { state -> (Frame, [Waiter]) in
            state.lastSequence += 1
            let frame = Frame(
                cameraID: cameraID, sequence: state.lastSequence, jpeg: jpeg,
                width: width, height: height, timestamp: timestamp
            )
            state.ring.append(frame)
            state.framesIn += 1
            state.bytesIn += UInt64(jpeg.count)
            state.rate.record(timestamp)
            let waiters = state.takeWaiters(handing: frame)
            return (frame, waiters)
        }
        // Resume outside the lock: resuming schedules the viewer's task and must not hold others up.
        for waiter in waiters {
            waiter.continuation.resume(returning: frame)
        }
        return frame
    }

    /// Ends every viewer's stream, for shutdown or when the camera is removed.
    public func close() {
        let waiters = state.withLock { state -> [Waiter] in
            state.closed = true
            let waiting = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiting
        }
        for waiter in waiters {
            waiter.continuation.resume(returning: nil)
        }
    }

    // MARK: Reading

    public var newest: Frame? { state.withLock { $0.ring.newest } }

    /// The recent frames, oldest first; at most the ring's capacity.
    public var recentFrames: [Frame] { state.withLock { $0.ring.frames } }

    public func statistics(now: FrameTimestamp = .now()) -> FeedStatistics {
        state.withLock { state in
            FeedStatistics(
                cameraID: cameraID,
                framesIn: state.framesIn,
                bytesIn: state.bytesIn,
                framesDelivered: state.retiredDelivered + state.viewers.values.reduce(0) { $0 + $1.delivered },
                framesSkipped: state.retiredSkipped + state.viewers.values.reduce(0) { $0 + state.skipped(by: $1) },
                viewers: state.viewers.count,
                framesPerSecond: state.rate.rate(now: now),
                newestSequence: state.ring.newest?.sequence,
                newestTimestamp: state.ring.newest?.timestamp,
                viewerStatistics: state.viewers.keys.sorted().map { id in
                    let viewer = state.viewers[id]!
                    return ViewerStatistics(id: id, delivered: viewer.delivered, skipped: state.skipped(by: viewer))
                }
            )
        }
    }

    /// Runs `body` with a viewer of this feed, and removes the viewer when `body` returns or throws.
    public func withViewer<Result>(
        startingAfter sequence: UInt64 = 0,
        _ body: (FrameViewer) async throws -> Result
    ) async rethrows -> Result {
        let viewer = addViewer(startingAfter: sequence)
        defer { removeViewer(viewer.id) }
        return try await body(viewer)
    }

    // MARK: Viewer bookkeeping (used by FrameViewer)

    func addViewer(startingAfter sequence: UInt64) -> FrameViewer {
        let id = state.withLock { state -> Int in
            state.nextViewerID += 1
            state.viewers[state.nextViewerID] = ViewerState(lastSequence: sequence)
            return state.nextViewerID
        }
        return FrameViewer(id: id, feed: self)
    }

    func removeViewer(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            if let viewer = state.viewers.removeValue(forKey: id) {
                state.retiredDelivered += viewer.delivered
                state.retiredSkipped += state.skipped(by: viewer)
            }
            return state.waiters.removeValue(forKey: id)
        }
        waiter?.continuation.resume(returning: nil)
    }

    /// Ends one viewer's stream: a pending or later `next()` returns nil.
    func closeViewer(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            state.viewers[id]?.closed = true
            return state.waiters.removeValue(forKey: id)
        }
        waiter?.continuation.resume(returning: nil)
    }

    /// The next frame for a viewer: the newest frame if it is newer than the last one the viewer
    /// got, otherwise the next one published. Nil once the feed or the viewer is closed, or the
    /// task is cancelled.
    func nextFrame(for viewerID: Int) async -> Frame? {
        if case .ready(let frame) = state.withLock({ $0.poll(viewerID) }) {
            return frame
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Frame?, Never>) in
                let outcome = state.withLock { state -> Poll in
                    if Task.isCancelled { return .ready(nil) }
                    let poll = state.poll(viewerID)
                    if case .wait = poll {
                        state.waiters[viewerID] = Waiter(viewerID: viewerID, continuation: continuation)
                    }
                    return poll
                }
                if case .ready(let frame) = outcome {
                    continuation.resume(returning: frame)
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: viewerID) }
            waiter?.continuation.resume(returning: nil)
        }
    }
}

extension CameraFeed {
    struct Waiter {
        let viewerID: Int
        let continuation: CheckedContinuation<Frame?, Never>
    }

    enum Poll {
        /// A frame to hand out, or nil when the stream has ended.
        case ready(Frame?)
        case wait
    }

    struct ViewerState {
        var lastSequence: UInt64
        var delivered: UInt64 = 0
        var skipped: UInt64 = 0
        var closed = false

        /// Records that the viewer got `frame`; frames it never saw in between count as skipped.
        mutating func deliver(_ frame: Frame) {
            if lastSequence > 0, frame.sequence > lastSequence + 1 {
                skipped += frame.sequence - lastSequence - 1
            }
            lastSequence = frame.sequence
            delivered += 1
        }
    }

    struct State {
        var ring: FrameRing
        var lastSequence: UInt64 = 0
        var framesIn: UInt64 = 0
        var bytesIn: UInt64 = 0
        var rate = RateMeter()
        var nextViewerID = 0
        var viewers: [Int: ViewerState] = [:]
        var waiters: [Int: Waiter] = [:]
        /// Counts from viewers that have left, so totals never go backwards.
        var retiredDelivered: UInt64 = 0
        var retiredSkipped: UInt64 = 0
        var closed = false

        /// Frames a viewer has missed: those it skipped over, plus those published since its last
        /// frame that it can no longer get because a newer one exists. A viewer stuck on a full
        /// socket is counted as skipping while it is stuck, not only once it asks again.
        func skipped(by viewer: ViewerState) -> UInt64 {
            guard viewer.lastSequence > 0, let newest = ring.newest, newest.sequence > viewer.lastSequence + 1 else {
                return viewer.skipped
            }
            return viewer.skipped + newest.sequence - viewer.lastSequence - 1
        }

        /// What a viewer asking for a frame gets right now.
        mutating func poll(_ viewerID: Int) -> Poll {
            guard let viewer = viewers[viewerID], !viewer.closed else { return .ready(nil) }
            if let newest = ring.newest, newest.sequence > viewer.lastSequence {
                viewers[viewerID]!.deliver(newest)
                return .ready(newest)
            }
            // A closed feed still hands out a frame the viewer has not seen, then ends.
            return closed ? .ready(nil) : .wait
        }

        mutating func takeWaiters(handing frame: Frame) -> [Waiter] {
            guard !waiters.isEmpty else { return [] }
            let waiting = Array(waiters.values)
            waiters.removeAll(keepingCapacity: true)
            for waiter in waiting {
                viewers[waiter.viewerID]?.deliver(frame)
            }
            return waiting
        }
    }
}
