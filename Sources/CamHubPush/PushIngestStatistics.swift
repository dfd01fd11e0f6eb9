import Synchronization

/// Counts for the WebSocket push ingest, exported on `/metrics`.
public final class PushIngestStatistics: Sendable {
    public struct Counts: Sendable, Equatable {
        /// Sockets that proved their camera id and token and are sending frames.
        public var connected = 0
        /// Sockets closed for an unknown camera, a wrong token, or a piece over its limit.
        public var refused: UInt64 = 0
        /// Frames dropped because they were not JPEGs.
        public var rejectedFrames: UInt64 = 0
        /// Sockets closed because the partly received frames of all of them were over the budget.
        public var overBudget: UInt64 = 0
    }

    private let counts = Mutex(Counts())

    public init() {}

    public var current: Counts { counts.withLock { $0 } }

    public func connectionOpened() { counts.withLock { $0.connected += 1 } }
    public func connectionClosed() { counts.withLock { $0.connected -= 1 } }
    public func refused() { counts.withLock { $0.refused += 1 } }
    public func frameRejected() { counts.withLock { $0.rejectedFrames += 1 } }
    public func overBudget() { counts.withLock { $0.overBudget += 1 } }
}
