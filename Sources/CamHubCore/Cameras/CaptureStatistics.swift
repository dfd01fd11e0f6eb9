public import Foundation

/// Where a local camera's capture is.
public enum CapturePhase: String, Sendable, Codable {
    /// The source is opening and has not delivered a frame yet.
    case starting
    /// Frames are coming.
    case streaming
    /// The source failed; it is waiting to try again.
    case reconnecting
    /// The source failed and will not be tried again (auto_reconnect off, or out of attempts)
    /// until the camera is restarted or its config changes.
    case failed
    /// An on-demand camera that nobody watches: its source is stopped.
    case idle
}

/// A reading of one local camera's capture, in seed 001's terms.
public struct CaptureStatistics: Sendable, Equatable {
    public var phase: CapturePhase = .starting
    public var framesCaptured: UInt64 = 0
    public var framesDropped: UInt64 = 0
    public var connectionErrors: UInt64 = 0
    /// Failed tries in a row; 0 once frames come again.
    public var reconnectAttempts = 0
    public var startedAt: Date
    public var lastFrameAt: Date?
    public var lastError: String?
    /// Streaming, with a frame within the output's `connectedWithin`.
    public var isConnected = false

    public init(startedAt: Date) {
        self.startedAt = startedAt
    }

    public func uptime(now: Date = Date()) -> TimeInterval { now.timeIntervalSince(startedAt) }

    public func lastFrameAge(now: Date = Date()) -> TimeInterval? { lastFrameAt.map { now.timeIntervalSince($0) } }
}
