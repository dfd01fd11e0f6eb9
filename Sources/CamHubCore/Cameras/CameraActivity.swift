public import Foundation

/// A camera's status as the APIs report it, from what the registry knows and what the frame hub
/// has seen: a camera is active while it sends heartbeats or frames, and inactive once neither has
/// arrived for `inactiveAfter`.
public enum CameraActivity {
    public static func status(
        of camera: Camera, newestFrameAt: Date?, now: Date = Date(), inactiveAfter: TimeInterval
    ) -> CameraState {
        if camera.state == .stopped { return .stopped }
        let lastActivity = [camera.lastSeenAt, newestFrameAt].compactMap { $0 }.max()
        guard let lastActivity else { return camera.kind == .local ? .inactive : .registered }
        guard now.timeIntervalSince(lastActivity) <= inactiveAfter else { return .inactive }
        return camera.state == .error ? .error : .active
    }
}
