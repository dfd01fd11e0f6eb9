import CamHubCore
import Foundation
import Logging
import NIOCore

/// What one hub tells the others about a camera's live side, through the site broadcast: a stop
/// or start made through it (the hub with the camera's source or push socket acts on it), a
/// viewer's message for a push camera whose socket is on another hub, and commands queued for a
/// camera whose push socket takes them.
enum SiteSignal {
    static let stateTopic = "camera.state"
    static let messageTopic = "camera.message"
    static let commandsTopic = "camera.commands"

    static func stopped(_ id: CameraID, _ stopped: Bool) -> SiteEvent {
        SiteEvent(topic: stateTopic, json: #"{"camera_id":\#(JSONText.string(id)),"stopped":\#(stopped)}"#)
    }

    static func message(_ bytes: ByteBuffer, to id: CameraID) -> SiteEvent {
        let encoded = Data(bytes.readableBytesView).base64EncodedString()
        return SiteEvent(topic: messageTopic, json: #"{"camera_id":\#(JSONText.string(id)),"bytes":"\#(encoded)"}"#)
    }

    static func commandsQueued(for id: CameraID) -> SiteEvent {
        SiteEvent(topic: commandsTopic, json: #"{"camera_id":\#(JSONText.string(id))}"#)
    }

    static func handles(_ event: SiteEvent) -> Bool {
        [stateTopic, messageTopic, commandsTopic].contains(event.topic)
    }

    /// Acts on a signal another hub sent; one that cannot be read is dropped.
    static func apply(_ event: SiteEvent, on hub: Hub, logger: Logger) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(event.json.utf8)) as? [String: Any],
            let id = object["camera_id"] as? String
        else { return }
        switch event.topic {
        case stateTopic:
            guard let stopped = object["stopped"] as? Bool else { return }
            Task { await hub.applyStopped(id, stopped) }
        case messageTopic:
            guard let encoded = object["bytes"] as? String, let bytes = Data(base64Encoded: encoded) else { return }
            Task { _ = await hub.pushConnections.send(ByteBuffer(bytes: bytes), to: id) }
        case commandsTopic:
            // Only the hub with the camera's push socket has anything to send.
            Task { await hub.sendQueuedCommands(to: id, logger: logger) }
        default:
            break
        }
    }
}
