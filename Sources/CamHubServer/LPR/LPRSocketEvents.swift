import CamHubCore
import CamHubSocketIO
import Foundation
import Logging
import Synchronization

/// The seed 002 Socket.IO events on the default namespace.
///
/// - `camera_register` → `camera_register` `{success, message, camera_id, checkpoint_id}`
/// - `lpr_data` → `lpr_response` `{success, detection_id}`, and `new_detection` to `dashboard`
/// - `health_status` → `health_response` `{success, health_id}`, and `health_update` to `health_monitoring`
/// - `ping` → `pong` `{success: true, message: "pong"}`
/// - `join_dashboard`, `join_health_room`
///
/// Every answer is also the acknowledgement when the client asked for one. A registered camera's
/// socket going away is announced as `camera_status` `offline` to everyone.
final class LPRSocketEvents: SocketIOEventHandler {
    let lpr: LPRIngest
    let token: String?
    let logger: Logger
    private let camerasBySocket = Mutex<[String: Set<CameraID>]>([:])
    static let origin = LPRIngest.Origin(transport: "socket.io")

    init(lpr: LPRIngest, token: String?, logger: Logger) {
        self.lpr = lpr
        self.token = token
        self.logger = logger
    }

    func connect(_ client: SocketIOClient, auth: String?) async throws {
        guard let token else { return }
        let presented = auth.flatMap { $0.data(using: .utf8) }
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }?["token"] as? String
            ?? client.query["token"]
        guard let presented, AdminToken(token: token).matches(presented) else {
            logger.notice("Socket.IO client refused: missing or wrong lpr token", metadata: ["remote": "\(client.remoteAddress ?? "-")"])
            throw SocketIORefusal(presented == nil ? "Not authorized: an lpr token is required" : "Not authorized: invalid token")
        }
    }

    func event(_ name: String, arguments: [Any], from client: SocketIOClient) async -> String? {
        let body = JSONObject(fields: arguments.first as? [String: Any] ?? [:])
        let reply: String
        switch name {
        case "camera_register":
            reply = await answer(client, "camera_register") {
                let registered = try await lpr.register(body, origin: Self.origin)
                camerasBySocket.withLock { _ = $0[client.sessionID, default: []].insert(registered.cameraID) }
                client.broadcastToAll("camera_status", RecordJSON.text(["camera_id": registered.cameraID, "checkpoint_id": registered.checkpointID, "status": "online"]))
                return [
                    "success": true, "message": "Camera registered successfully", "camera_id": registered.cameraID,
                    "checkpoint_id": registered.checkpointID,
                ]
            }
        case "lpr_data":
            reply = await answer(client, "lpr_response") {
                let record = try await lpr.detection(body, origin: Self.origin)
                if client.members(of: "dashboard") > 0 {
                    client.broadcast("new_detection", RecordJSON.detection(record), toRoom: "dashboard")
                }
                return ["success": true, "detection_id": record.id, "message": "Detection stored"]
            }
        case "health_status":
            reply = await answer(client, "health_response") {
                let report = try await lpr.health(body, origin: Self.origin)
                if client.members(of: "health_monitoring") > 0 {
                    client.broadcast("health_update", RecordJSON.health(report), toRoom: "health_monitoring")
                }
                return ["success": true, "health_id": report.id, "message": "Health status stored"]
            }
        case "ping":
            reply = RecordJSON.text(["success": true, "message": "pong", "timestamp": JSONResponse.timestamp(Date())])
            client.emit("pong", reply)
        case "join_dashboard":
            client.join("dashboard")
            reply = RecordJSON.text(["success": true, "room": "dashboard"])
        case "join_health_room":
            client.join("health_monitoring")
            reply = RecordJSON.text(["success": true, "room": "health_monitoring"])
        default:
            reply = RecordJSON.text(["success": false, "error": "unknown event '\(name)'"])
            client.emit("error", reply)
        }
        return reply
    }

    /// Runs `work` and sends its answer as `event`; a failure is answered `{success: false, error}`.
    private func answer(_ client: SocketIOClient, _ event: String, _ work: () async throws -> [String: Any]) async -> String {
        let reply: String
        do {
            reply = RecordJSON.text(try await work())
        } catch let missing as LPRIngest.MissingFields {
            reply = RecordJSON.text(["success": false, "error": missing.message, "missing_fields": missing.names])
        } catch let error as APIError {
            reply = RecordJSON.text(["success": false, "error": error.message])
        } catch {
            logger.error("Socket.IO event failed", metadata: ["event": "\(event)", "error": "\(error)"])
            reply = RecordJSON.text(["success": false, "error": "the record could not be stored"])
        }
        client.emit(event, reply)
        return reply
    }

    func disconnect(_ client: SocketIOClient) async {
        let cameras = camerasBySocket.withLock { $0.removeValue(forKey: client.sessionID) } ?? []
        for camera in cameras.sorted() {
            client.broadcastToAll("camera_status", RecordJSON.text(["camera_id": camera, "status": "offline"]))
        }
    }
}
