/// What one viewer has been given and has missed: the newest-only bookkeeping shared by every
/// delivery path, pull (`FrameViewer`) or push (`FrameSink`).
public struct ViewerProgress: Sendable, Equatable {
    /// The sequence of the last frame handed to the viewer; 0 before the first.
    public private(set) var lastSequence: UInt64
    public private(set) var delivered: UInt64 = 0
    private var skippedOver: UInt64 = 0

    public init(startingAfter sequence: UInt64 = 0) {
        lastSequence = sequence
    }

    /// True when `sequence` is newer than anything the viewer has had.
    public func wants(_ sequence: UInt64) -> Bool {
        sequence > lastSequence
    }

    /// Records that the viewer got frame `sequence`; frames it never saw in between count as skipped.
    public mutating func deliver(_ sequence: UInt64) {
        if lastSequence > 0, sequence > lastSequence + 1 {
            skippedOver += sequence - lastSequence - 1
        }
        lastSequence = sequence
        delivered += 1
    }

    /// Frames the viewer has missed: those it skipped over, plus those published since its last
    /// frame that it can no longer get because a newer one exists. A viewer stuck on a full socket
    /// is counted as skipping while it is stuck, not only once it asks again.
    public func skipped(newestSequence: UInt64?) -> UInt64 {
        guard lastSequence > 0, let newest = newestSequence, newest > lastSequence + 1 else { return skippedOver }
        return skippedOver + newest - lastSequence - 1
    }

    public func statistics(id: Int, newestSequence: UInt64?) -> ViewerStatistics {
        ViewerStatistics(id: id, delivered: delivered, skipped: skipped(newestSequence: newestSequence))
    }
}
