public import CamHubCore
public import Foundation
import Synchronization

/// Where a source puts its frames, and the record of how the camera's capture is going: the
/// counters seed 001 reports (`frames_captured`, `frames_dropped`, `connection_errors`,
/// `reconnect_attempts`, ...) and the phase the supervisor has it in.
///
/// Sources call `publish` and `drop`; the supervisor (`LocalCameras`) moves the phase. Frames the
/// supervisor makes itself (the "no signal" picture) go to the feed directly and are not counted.
public final class CaptureOutput: Sendable {
    public let feed: CameraFeed
    /// How recent the last real frame must be for the source to count as connected.
    public let connectedWithin: TimeInterval
    private let counts: Mutex<CaptureStatistics>

    public init(feed: CameraFeed, connectedWithin: TimeInterval = 5, startedAt: Date = Date()) {
        self.feed = feed
        self.connectedWithin = connectedWithin
        counts = Mutex(CaptureStatistics(startedAt: startedAt))
    }

    /// Hands a frame from the source to the feed and counts it.
    @discardableResult
    public func publish(jpeg: [UInt8], width: Int, height: Int) -> Frame {
        let frame = feed.publish(jpeg: jpeg, width: width, height: height)
        counts.withLock { counts in
            counts.framesCaptured += 1
            counts.lastFrameAt = Date(timeIntervalSince1970: frame.timestamp.seconds)
            if counts.phase != .streaming {
                counts.phase = .streaming
                counts.reconnectAttempts = 0
            }
        }
        return frame
    }

    /// Counts a frame the source produced but could not use (not a JPEG, cut short, undecodable).
    public func drop() {
        counts.withLock { $0.framesDropped += 1 }
    }

    public func statistics(now: Date = Date()) -> CaptureStatistics {
        var statistics = counts.withLock { $0 }
        statistics.isConnected = statistics.phase == .streaming
            && statistics.lastFrameAt.map { now.timeIntervalSince($0) <= connectedWithin } == true
        return statistics
    }

    // MARK: The supervisor's side

    func moved(to phase: CapturePhase) {
        counts.withLock { $0.phase = phase }
    }

    /// The source failed or ended: one more connection error, and the supervisor will try again
    /// (`reconnectAttempts` is the tries in a row) or give up.
    func failed(_ error: String, reconnectAttempt: Int?) {
        counts.withLock { counts in
            counts.connectionErrors += 1
            counts.lastError = error
            if let reconnectAttempt {
                counts.reconnectAttempts = reconnectAttempt
                counts.phase = .reconnecting
            } else {
                counts.phase = .failed
            }
        }
    }
}
