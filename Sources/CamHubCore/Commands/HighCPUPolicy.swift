public import Foundation

/// Seed 000's automatic command: when the hub's CPU runs hot, ask registered cameras to slow down
/// (`adjust_fps` with reason "High CPU usage"). Off by default.
///
/// This is the decision alone, so it can be tested without a clock or a CPU: given a reading it
/// says which cameras to ask and what fps to ask for.
public struct HighCPUPolicy: Sendable {
    public static let reason = "High CPU usage"

    public var settings: HighCPUPolicySettings
    /// When each camera was last asked, so a camera is asked at most once per cooldown.
    private var lastAsked: [CameraID: Date] = [:]

    public init(settings: HighCPUPolicySettings) {
        self.settings = settings
    }

    /// The commands to queue after reading `cpuPercent` at `now`. `active` are the cameras that
    /// count as active; `pending` are those that already have an `adjust_fps` waiting.
    public mutating func decide(cpuPercent: Double, active: [Camera], pending: Set<CameraID>, now: Date) -> [(CameraID, CommandRequest)] {
        guard settings.enabled, cpuPercent >= Double(settings.cpuPercent) else { return [] }
        var commands: [(CameraID, CommandRequest)] = []
        for camera in active where camera.kind == .registered && !pending.contains(camera.id) {
            if let last = lastAsked[camera.id], now.timeIntervalSince(last) < Double(settings.cooldownSeconds) { continue }
            let current = camera.settings.fps ?? 15
            let slower = max(settings.minFPS, current * 2 / 3)
            guard slower < current else { continue }
            lastAsked[camera.id] = now
            commands.append((camera.id, CommandRequest(type: .adjustFPS, value: .integer(slower), reason: Self.reason)))
        }
        return commands
    }
}
