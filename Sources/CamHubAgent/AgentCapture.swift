import CamHubCapture
import CamHubCore
import Logging
import Synchronization

/// The agent's settings as the hub's commands change them, and the capture that follows them:
/// the source runs with the current settings and starts again whenever a command changes them.
/// Both agents (seed 000 over HTTP, seed 003 over the push socket) use it.
final class AgentCapture: Sendable {
    private struct Values {
        var settings: AgentSettings
        var version = 0
    }

    private let values: Mutex<Values>

    init(settings: AgentSettings) {
        values = Mutex(Values(settings: settings))
    }

    var settings: AgentSettings { values.withLock { $0.settings } }

    /// Applies one command (see `AgentSettings.apply`), logging it; false when it is not understood.
    @discardableResult
    func apply(type: String, value: CommandValue, logger: Logger) -> Bool {
        let applied = values.withLock { values in
            let applied = values.settings.apply(type: type, value: value)
            if applied { values.version += 1 }
            return applied
        }
        logger.info("command", metadata: ["type": "\(type)", "value": "\(value)", "applied": "\(applied)"])
        return applied
    }

    /// Runs the source into `feed` until cancelled, restarting it with new settings after a change.
    func run(into feed: CameraFeed, logger: Logger) async {
        while !Task.isCancelled {
            let (settings, version) = values.withLock { ($0.settings, $0.version) }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await settings.capture.makeSource().run(into: CaptureOutput(feed: feed))
                    } catch is CancellationError {
                    } catch {
                        logger.error("capture failed", metadata: ["error": "\(error)"])
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
                group.addTask { await self.waitForChange(from: version) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Returns once the settings have changed since `version` (or the task is cancelled).
    private func waitForChange(from version: Int) async {
        while !Task.isCancelled, values.withLock({ $0.version }) == version {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
