import CamHubCore
import ServiceLifecycle
import Synchronization

/// Group commit for records: callers hand over a detection or a health report and wait; the
/// writer service takes everything that is waiting and stores it in one transaction, then tells
/// each caller. Under load many records share a transaction; alone, a record is written at once.
/// A caller returns only after its record is committed, so an acknowledged record survives a crash.
final class RecordWriter: Service, Sendable {
    enum Item: Sendable {
        case detection(DetectionRecord)
        case health(HealthReport)
    }

    private typealias Pending = (item: Item, done: CheckedContinuation<Void, any Error>)

    private struct State {
        var pending: [Pending] = []
        var writerWaiting: CheckedContinuation<Void, Never>?
        var stopped = false
    }

    let repository: any RecordRepository
    let maxBatch: Int
    private let state = Mutex(State())

    init(repository: any RecordRepository, maxBatch: Int = 2000) {
        self.repository = repository
        self.maxBatch = maxBatch
    }

    /// Stores the record; returns once it is committed.
    func store(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let (writer, refused) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
                guard !state.stopped else { return (nil, true) }
                state.pending.append((item, done))
                defer { state.writerWaiting = nil }
                return (state.writerWaiting, false)
            }
            if refused { done.resume(throwing: CamHubError.unavailable("the hub is shutting down; the record was not stored")) }
            writer?.resume()
        }
    }

    func run() async throws {
        // A writer may be run again after a shutdown (tests build several applications on one hub).
        state.withLock { $0.stopped = false }
        await withGracefulShutdownHandler {
            while let batch = await nextBatch() {
                await write(batch)
            }
        } onGracefulShutdown: {
            // Refuse new records; what is already waiting is still written.
            let writer = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.stopped = true
                defer { state.writerWaiting = nil }
                return state.writerWaiting
            }
            writer?.resume()
        }
    }

    /// Everything waiting (up to `maxBatch`); nil once stopped and drained.
    private func nextBatch() async -> [Pending]? {
        while true {
            let batch = state.withLock { state -> [Pending]?? in
                if !state.pending.isEmpty {
                    let batch = Array(state.pending.prefix(maxBatch))
                    state.pending.removeFirst(batch.count)
                    return .some(batch)
                }
                return state.stopped ? .some(nil) : .none
            }
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

    private func write(_ batch: [Pending]) async {
        var detections: [DetectionRecord] = []
        var reports: [HealthReport] = []
        for entry in batch {
            switch entry.item {
            case .detection(let record): detections.append(record)
            case .health(let report): reports.append(report)
            }
        }
        do {
            try await repository.add(detections: detections, healthReports: reports)
            for entry in batch { entry.done.resume() }
        } catch {
            for entry in batch { entry.done.resume(throwing: error) }
        }
    }
}
