import CamHubCore
import CamHubPush
import Foundation
import Logging

/// Commands reach a camera on its next heartbeat, or at once when it holds a push socket that
/// takes them (`camhub agent --transport ws`), on this hub or on another hub of the site.
extension Hub {
    /// Queues a command and hands it over at once if the camera can take it now. A task is the
    /// hub's to run as well (`motion` is computed here), so the registry records it at once.
    func enqueue(_ command: CommandRequest, for cameraID: CameraID, logger: Logger) async throws -> CameraCommand {
        let queued = try await commands.enqueue(command, for: cameraID, at: Date())
        if command.type == .setTask, case .text(let task) = command.value {
            _ = try await cameras.update(id: cameraID) { $0.settings.task = task }
        }
        if pushConnections.takesCommands(cameraID) {
            await sendQueuedCommands(to: cameraID, logger: logger)
        } else if site.reachesOtherHubs {
            // Its socket may be on another hub: the one that holds it sends them.
            site.send(SiteSignal.commandsQueued(for: cameraID))
        }
        return queued
    }

    /// Sends the camera's queued commands over its push socket here, each marked delivered once,
    /// as a heartbeat would hand them out (the registry follows what the camera was told).
    func sendQueuedCommands(to cameraID: CameraID, logger: Logger) async {
        guard pushConnections.takesCommands(cameraID) else { return }
        do {
            let delivered = try await commands.takeQueued(for: cameraID, at: Date())
            guard !delivered.isEmpty else { return }
            _ = try await cameras.update(id: cameraID) { camera in
                for command in delivered { camera.settings.apply(command) }
            }
            for command in delivered {
                let json = String(decoding: try JSONEncoder().encode(PushedCommand(command: CommandJSON(command))), as: UTF8.self)
                let sent = await pushConnections.sendCommand(json, to: cameraID)
                logger.info(sent ? "command sent over the push socket" : "command taken but the push socket closed before it was sent", metadata: [
                    "camera": "\(cameraID)", "type": "\(command.type.rawValue)",
                ])
            }
        } catch {
            logger.warning("could not send the queued commands; the next connection gets them", metadata: ["camera": "\(cameraID)", "error": "\(error)"])
        }
    }

    /// A command as the push socket carries it: `{"type": "command", "command": {...}}`.
    struct PushedCommand: Encodable {
        let type = "command"
        let command: CommandJSON
    }
}

extension Hub {
    /// A seed 003 camera's push token at its generation; nil for an id that is not a push id.
    func pushToken(of camera: Camera) -> String? {
        PushTokens.pushID(of: camera.id).map { pushTokens.token(for: $0, generation: PushTokens.generation(of: camera)) }
    }
}
