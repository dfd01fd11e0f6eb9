import Synchronization

/// Counts for the WebSocket push ingest, exported on `/metrics`.
final class PushIngestStatistics: Sendable {
    struct Counts: Sendable, Equatable {
        /// Sockets that proved their camera id and token and are sending frames.
        var connected = 0
        /// Sockets closed for an unknown camera, a wrong token, or a piece over its limit.
        var refused: UInt64 = 0
        /// Frames dropped because they were not JPEGs.
        var rejectedFrames: UInt64 = 0
    }

    private let counts = Mutex(Counts())

    var current: Counts { counts.withLock { $0 } }

    func connectionOpened() { counts.withLock { $0.connected += 1 } }
    func connectionClosed() { counts.withLock { $0.connected -= 1 } }
    func refused() { counts.withLock { $0.refused += 1 } }
    func frameRejected() { counts.withLock { $0.rejectedFrames += 1 } }
}
