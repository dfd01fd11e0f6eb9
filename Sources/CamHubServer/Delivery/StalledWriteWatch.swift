import NIOCore
import Synchronization

/// Closes a connection whose write has been waiting on its reader for longer than `limit`: a
/// stream's viewer that stopped reading (an SSE page in a suspended tab, a dead client behind a
/// NAT) is dropped instead of holding its socket and its place forever. Checked on the
/// connection's event loop, twice per `limit`; `stop()` when the stream ends.
final class StalledWriteWatch: Sendable {
    /// When the write in flight started (uptime nanoseconds), 0 when none is.
    private final class WritingSince: Sendable {
        let nanoseconds = Atomic<UInt64>(0)
    }

    private let writingSince = WritingSince()
    private let check: RepeatedTask

    init(channel: any Channel, limit: TimeAmount) {
        let writingSince = writingSince
        let interval = TimeAmount.nanoseconds(max(limit.nanoseconds / 2, 1))
        check = channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let since = writingSince.nanoseconds.load(ordering: .relaxed)
            if since != 0, NIODeadline.now().uptimeNanoseconds - since > UInt64(limit.nanoseconds) {
                channel.close(promise: nil)
            }
        }
    }

    /// Runs `write`, timed.
    func timing<T>(_ write: () async throws -> T) async rethrows -> T {
        writingSince.nanoseconds.store(NIODeadline.now().uptimeNanoseconds, ordering: .relaxed)
        defer { writingSince.nanoseconds.store(0, ordering: .relaxed) }
        return try await write()
    }

    func stop() {
        check.cancel()
    }
}
