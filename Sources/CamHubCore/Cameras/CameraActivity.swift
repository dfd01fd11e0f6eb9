public import Foundation

/// A camera's status as the APIs report it, from what the registry knows and what the frame hub
/// has seen: a camera is active while it sends heartbeats or frames, and inactive once neither has
/// arrived for `inactiveAfter`.
///
/// A local camera is judged by its capture instead: idle while on demand and unwatched, in error
/// while its source is down, and otherwise by its last real frame (the "no signal" picture the hub
/// shows for a down camera does not count).
public enum CameraActivity {
    public static func status(
        of camera: Camera, newestFrameAt: Date?, capture: CaptureStatistics? = nil, now: Date = Date(), inactiveAfter: TimeInterval
    ) -> CameraState {
        if camera.state == .stopped { return .stopped }
        if let capture {
            switch capture.phase {
            case .idle: return .idle
            case .reconnecting, .failed: return .error
            case .starting, .streaming:
                guard let lastFrame = capture.lastFrameAt else { return .inactive }
                return now.timeIntervalSince(lastFrame) <= inactiveAfter ? .active : .inactive
            }
        }
        let lastActivity = [camera.lastSeenAt, newestFrameAt].compactMap { $0 }.max()
        guard let lastActivity else { return camera.kind.isCaptured ? .inactive : .registered }
        guard now.timeIntervalSince(lastActivity) <= inactiveAfter else { return .inactive }
        return camera.state == .error ? .error : .active
    }
}
