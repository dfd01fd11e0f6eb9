import CamHubCore
import CamHubWebhooks
import Foundation
import Logging
import ServiceLifecycle

/// `camera_offline` and `camera_online` for the webhooks: once a second the cameras' statuses
/// (as the APIs answer them) are compared with the previous look. On a site, one hub announces:
/// the live one with the lowest node id, so each change is told once.
struct CameraStatusWebhooks: Service {
    let hub: Hub
    let logger: Logger
    static let types: Set<String> = ["camera_offline", "camera_online"]

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var changes = CameraStatusChanges()
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let wanted = hub.configuration.webhooks.contains { !Self.types.isDisjoint(with: $0.events) }
                guard wanted, isAnnouncer else {
                    changes.forget()
                    continue
                }
                do {
                    let now = Date()
                    let cameras = try await hub.cameras.list()
                    for change in changes.look(cameras.map { ($0, hub.status(of: $0, now: now)) }) {
                        hub.webhooks.publish(change.type, data: json(change))
                        logger.info("camera status changed", metadata: ["camera": "\(change.camera.id)", "event": "\(change.type)"])
                    }
                } catch {
                    logger.debug("camera statuses could not be read for the webhooks", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// This hub speaks for the site: no live hub has a lower id.
    private var isAnnouncer: Bool {
        let me = hub.cluster.node.id
        return hub.cluster.otherPeers.allSatisfy { $0.nodeID > me }
    }

    private func json(_ change: CameraStatusChanges.Change) -> String {
        let camera = change.camera
        let seen = [camera.lastSeenAt, hub.newestFrameAt(of: camera.id)].compactMap { $0 }.max()
        return JSONText.encode([
            "camera_id": camera.id, "name": camera.name, "kind": camera.kind.rawValue, "status": change.status.rawValue,
            "previous_status": change.previous.map { $0.rawValue as Any } ?? NSNull(), "last_seen": seen.map(JSONText.timestamp) ?? NSNull(),
        ] as [String: Any])
    }
}
