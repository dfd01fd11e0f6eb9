/// A push-style consumer of a feed, for delivery paths that manage their own viewers (such as an
/// MJPEG fan-out running on a network event loop).
///
/// The feed calls `frameDidArrive` after every publish, outside its lock, on the publisher's task.
/// A sink must return quickly and never block: it hands the frame to its own executor and applies
/// the same newest-only rule as `FrameViewer` to each of its viewers.
public protocol FrameSink: AnyObject, Sendable {
    func frameDidArrive(_ frame: Frame)

    /// The feed was closed (shutdown or the camera was removed): end every viewer's stream after
    /// the frame it is being given.
    func feedDidClose()

    /// Counts for the viewers this sink serves. `newestSequence` is the feed's newest frame, so the
    /// sink can count frames its busy viewers have already missed.
    func sinkStatistics(newestSequence: UInt64?) -> SinkStatistics
}

/// What a sink reports about its viewers.
public struct SinkStatistics: Sendable, Equatable {
    public var viewers: [ViewerStatistics]
    /// Totals of viewers that have left, so the feed's totals never go backwards.
    public var retiredDelivered: UInt64
    public var retiredSkipped: UInt64

    public init(viewers: [ViewerStatistics], retiredDelivered: UInt64, retiredSkipped: UInt64) {
        self.viewers = viewers
        self.retiredDelivered = retiredDelivered
        self.retiredSkipped = retiredSkipped
    }
}
