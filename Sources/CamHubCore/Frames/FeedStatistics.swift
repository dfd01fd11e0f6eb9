/// A point-in-time reading of one camera feed's counters.
public struct FeedStatistics: Sendable, Equatable {
    public var cameraID: CameraID
    public var framesIn: UInt64
    public var bytesIn: UInt64
    public var framesDelivered: UInt64
    public var framesSkipped: UInt64
    public var viewers: Int
    public var framesPerSecond: Double
    public var newestSequence: UInt64?
    public var newestTimestamp: FrameTimestamp?
    public var viewerStatistics: [ViewerStatistics]
}

/// What one live viewer has been given and has missed.
public struct ViewerStatistics: Sendable, Equatable {
    public var id: Int
    public var delivered: UInt64
    public var skipped: UInt64
}
