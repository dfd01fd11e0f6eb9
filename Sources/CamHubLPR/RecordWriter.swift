public import CamHubCore
public import ServiceLifecycle
import Synchronization

/// Group commit for records: callers hand over a detection or a health report; the writer service
/// takes everything waiting and stores it in one transaction, then tells each caller. Under load
/// many records share a transaction; alone, a record is written at once. A caller hears "stored"
/// only after the commit, so an acknowledged record survives a crash.
///
/// The queue is bounded: when `capacity` records are waiting, `enqueue` waits for room, which
/// slows the sender instead of growing memory.
public final class RecordWriter: Service, Sendable {
    public enum Item: Sendable {
        case detection(DetectionRecord)
        case health(HealthReport)
    }

    typealias Completion = @Sendable (Result<Void, any Error>) -> Void

    private struct State {
        var pending: [(item: Item, done: Completion)] = []
        var writerWaiting: CheckedContinuation<Void, Never>?
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        var stopped = false
    }

    let repository: any RecordRepository
    let maxBatch: Int
    let capacity: Int
    private let state = Mutex(State())

    public init(repository: any RecordRepository, maxBatch: Int = 2000, capacity: Int = 10_000) {
        self.repository = repository
        self.maxBatch = maxBatch
        self.capacity = capacity
    }

    /// Stores the record; returns once it is committed.
    public func store(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            // Non-blocking form of `enqueue`: a full queue is still accepted here, since the caller
            // is already waiting for its own record.
            append(item, force: true) { done.resume(with: $0) }
        }
    }

    /// Queues the record and returns; `done` is called after the commit (or the failure). Waits
    /// while the queue is full.
    func enqueue(_ item: Item, then done: @escaping Completion) async {
        while !append(item, force: false, done) {
            await withCheckedContinuation { (room: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.pending.count < capacity || state.stopped { return true }
                    state.roomWaiters.append(room)
                    return false
                }
                if ready { room.resume() }
            }
        }
    }

    /// Adds the record unless the queue is full (and `force` is off). A stopped writer refuses it
    /// at once through `done`.
    @discardableResult
    private func append(_ item: Item, force: Bool, _ done: @escaping Completion) -> Bool {
        let (writer, outcome) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool?) in
            guard !state.stopped else { return (nil, nil) }
            guard force || state.pending.count < capacity else { return (nil, false) }
            state.pending.append((item, done))
            defer { state.writerWaiting = nil }
            return (state.writerWaiting, true)
        }
        guard let accepted = outcome else {
            done(.failure(CamHubError.unavailable("the hub is shutting down; the record was not stored")))
            return true
        }
        writer?.resume()
        return accepted
    }

    public func run() async throws {
        // A writer may be run again after a shutdown (tests build several applications on one hub).
        state.withLock { $0.stopped = false }
        await withGracefulShutdownHandler {
            while let batch = await nextBatch() {
                await write(batch)
            }
        } onGracefulShutdown: {
            // Refuse new records; what is already waiting is still written.
            let (writer, rooms) = self.state.withLock { state -> (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) in
                state.stopped = true
                defer {
                    state.writerWaiting = nil
                    state.roomWaiters = []
                }
                return (state.writerWaiting, state.roomWaiters)
            }
            writer?.resume()
            for room in rooms { room.resume() }
        }
    }

    /// Everything waiting (up to `maxBatch`); nil once stopped and drained.
    private func nextBatch() async -> [(item: Item, done: Completion)]? {
        while true {
            let (batch, rooms) = state.withLock { state -> ([(item: Item, done: Completion)]??, [CheckedContinuation<Void, Never>]) in
                if !state.pending.isEmpty {
                    let batch = Array(state.pending.prefix(maxBatch))
                    state.pending.removeFirst(batch.count)
                    defer { state.roomWaiters = [] }
                    return (.some(batch), state.roomWaiters)
                }
                return (state.stopped ? .some(nil) : .none, [])
            }
            for room in rooms { room.resume() }
            if case .some(let batch) = batch { return batch }
            await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if !state.pending.isEmpty || state.stopped { return true }
                    state.writerWaiting = wake
                    return false
                }
                if ready { wake.resume() }
            }
        }
    }

    private func write(_ batch: [(item: Item, done: Completion)]) async {
        var detections: [DetectionRecord] = []
        var reports: [HealthReport] = []
        for entry in batch {
            switch entry.item {
            case .detection(let record): detections.append(record)
            case .health(let report): reports.append(report)
            }
        }
        let result: Result<Void, any Error>
        do {
            try await repository.add(detections: detections, healthReports: reports)
            result = .success(())
        } catch {
            result = .failure(error)
        }
        for entry in batch { entry.done(result) }
    }
}
