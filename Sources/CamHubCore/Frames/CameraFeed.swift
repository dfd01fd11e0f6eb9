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
        let (frame, waiters, sinks) = state.withLock { state -> (Frame, [Waiter], [any FrameSink]) in
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
            return (frame, waiters, state.sinks.isEmpty ? [] : Array(state.sinks.values))
        }
        // Wake viewers outside the lock: resuming schedules the viewer's task and must not hold
        // others up. Sinks only hand the frame to their own executors.
        for waiter in waiters {
            waiter.continuation.resume(returning: frame)
        }
        for sink in sinks {
            sink.frameDidArrive(frame)
        }
        return frame
    }

    /// Starts telling `sink` about every new frame.
    public func addSink(_ sink: any FrameSink) {
        state.withLock { $0.sinks[ObjectIdentifier(sink)] = sink }
    }

    /// Stops telling `sink` about frames; what its viewers were given and missed stays in the totals.
    public func removeSink(_ sink: any FrameSink) {
        let final = sink.sinkStatistics(newestSequence: newest?.sequence)
        state.withLock { state in
            guard state.sinks.removeValue(forKey: ObjectIdentifier(sink)) != nil else { return }
            state.retiredDelivered += final.retiredDelivered + final.viewers.reduce(0) { $0 + $1.delivered }
            state.retiredSkipped += final.retiredSkipped + final.viewers.reduce(0) { $0 + $1.skipped }
        }
    }

    /// Ends every viewer's stream, for shutdown or when the camera is removed.
    public func close() {
        let (waiters, sinks) = state.withLock { state -> ([Waiter], [any FrameSink]) in
            state.closed = true
            let waiting = Array(state.waiters.values)
            state.waiters.removeAll()
            return (waiting, Array(state.sinks.values))
        }
        for waiter in waiters {
            waiter.continuation.resume(returning: nil)
        }
        for sink in sinks {
            sink.feedDidClose()
        }
    }

    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Forgets the recent frames (sequence numbers go on), so nobody is handed a stale frame: an
    /// on-demand camera does this when its source stops.
    public func discardFrames() {
        state.withLock { $0.ring.removeAll() }
    }

    // MARK: Demand

    /// How many are watching: pull viewers, plus what `retainDemand` added (a sink's connections).
    public var demand: Int { state.withLock { $0.demand } }

    /// Counts one more watcher that is not a pull viewer; pair with `releaseDemand`.
    public func retainDemand() {
        changeDemand(by: 1)
    }

    public func releaseDemand() {
        changeDemand(by: -1)
    }

    /// Returns once someone watches (at once if someone does), or when the task is cancelled.
    public func waitUntilWatched() async {
        await waitForDemand { $0 > 0 }
    }

    /// Returns once nobody watches (at once if nobody does), or when the task is cancelled.
    public func waitUntilUnwatched() async {
        await waitForDemand { $0 == 0 }
    }

    private func changeDemand(by delta: Int) {
        let woken = state.withLock { $0.changeDemand(by: delta) }
        for waiter in woken { waiter.resume() }
    }

    private func waitForDemand(_ condition: @escaping @Sendable (Int) -> Bool) async {
        let id = state.withLock { state -> Int in
            state.nextViewerID += 1
            return state.nextViewerID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if Task.isCancelled || condition(state.demand) { return true }
                    state.demandWaiters[id] = DemandWaiter(condition: condition, continuation: continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.demandWaiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    // MARK: Reading

    public var newest: Frame? { state.withLock { $0.ring.newest } }

    /// The recent frames, oldest first; at most the ring's capacity.
    public var recentFrames: [Frame] { state.withLock { $0.ring.frames } }

    public func statistics(now: FrameTimestamp = .now()) -> FeedStatistics {
        var (statistics, sinks) = state.withLock { state in
            let viewers = state.viewers.keys.sorted().map(state.statistics(of:))
            let statistics = FeedStatistics(
                cameraID: cameraID,
                framesIn: state.framesIn,
                bytesIn: state.bytesIn,
                framesDelivered: state.retiredDelivered + viewers.reduce(0) { $0 + $1.delivered },
                framesSkipped: state.retiredSkipped + viewers.reduce(0) { $0 + $1.skipped },
                viewers: viewers.count,
                framesPerSecond: state.rate.rate(now: now),
                newestSequence: state.ring.newest?.sequence,
                newestTimestamp: state.ring.newest?.timestamp,
                viewerStatistics: viewers
            )
            return (statistics, Array(state.sinks.values))
        }
        // Asked outside the feed's lock, so a sink may read the feed while answering.
        for sink in sinks {
            let counts = sink.sinkStatistics(newestSequence: statistics.newestSequence)
            statistics.viewerStatistics += counts.viewers
            statistics.viewers += counts.viewers.count
            statistics.framesDelivered += counts.retiredDelivered + counts.viewers.reduce(0) { $0 + $1.delivered }
            statistics.framesSkipped += counts.retiredSkipped + counts.viewers.reduce(0) { $0 + $1.skipped }
        }
        return statistics
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
            state.viewers[state.nextViewerID] = ViewerState(progress: ViewerProgress(startingAfter: sequence))
            return state.nextViewerID
        }
        changeDemand(by: 1)
        return FrameViewer(id: id, feed: self)
    }

    func removeViewer(_ id: Int) {
        let (waiter, woken) = state.withLock { state -> (Waiter?, [CheckedContinuation<Void, Never>]) in
            var woken: [CheckedContinuation<Void, Never>] = []
            if state.viewers[id] != nil {
                let final = state.statistics(of: id)
                state.viewers[id] = nil
                state.retiredDelivered += final.delivered
                state.retiredSkipped += final.skipped
                woken = state.changeDemand(by: -1)
            }
            return (state.waiters.removeValue(forKey: id), woken)
        }
        waiter?.continuation.resume(returning: nil)
        for continuation in woken { continuation.resume() }
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

    struct DemandWaiter {
        let condition: @Sendable (Int) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    struct ViewerState {
        var progress: ViewerProgress
        var closed = false
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
        var sinks: [ObjectIdentifier: any FrameSink] = [:]
        /// Counts from viewers that have left, so totals never go backwards.
        var retiredDelivered: UInt64 = 0
        var retiredSkipped: UInt64 = 0
        var closed = false
        var demand = 0
        var demandWaiters: [Int: DemandWaiter] = [:]

        /// Adjusts the demand and takes the waiters whose condition now holds.
        mutating func changeDemand(by delta: Int) -> [CheckedContinuation<Void, Never>] {
            demand = max(0, demand + delta)
            let ready = demandWaiters.filter { $0.value.condition(demand) }
            for id in ready.keys { demandWaiters[id] = nil }
            return ready.values.map(\.continuation)
        }

        func statistics(of id: Int) -> ViewerStatistics {
            viewers[id]!.progress.statistics(id: id, newestSequence: ring.newest?.sequence)
        }

        /// What a viewer asking for a frame gets right now.
        mutating func poll(_ viewerID: Int) -> Poll {
            guard let viewer = viewers[viewerID], !viewer.closed else { return .ready(nil) }
            if let newest = ring.newest, viewer.progress.wants(newest.sequence) {
                viewers[viewerID]!.progress.deliver(newest.sequence)
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
                viewers[waiter.viewerID]?.progress.deliver(frame.sequence)
            }
            return waiting
        }
    }
}
