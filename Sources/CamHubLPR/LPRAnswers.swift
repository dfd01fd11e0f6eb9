public import CamHubCore
import Foundation

/// Seed 002's answers in one place: field for field what the original LPR server sends (its
/// WebSocket service in `popwandee/lprserver_v3`), plus camhub's own fields. The Socket.IO events
/// and the REST fallback build their answers here, so the two never drift apart.
public enum LPRAnswers {
    static var now: String { JSONText.timestamp(Date()) }

    /// The `connect` event the original emits when a client connects.
    public static func connected() -> [String: Any] {
        ["success": true, "message": "Connected to LPR Server", "timestamp": now]
    }

    /// `camera_register`'s answer.
    public static func registered(_ camera: LPRIngest.Registered) -> [String: Any] {
        [
            "success": true, "message": "Camera \(camera.cameraID) registered successfully", "camera_id": camera.cameraID,
            "checkpoint_id": camera.checkpointID, "timestamp": now,
        ]
    }

    /// `lpr_response`, and the REST answer to a detection.
    public static func detectionStored(_ record: DetectionRecord) -> [String: Any] {
        [
            "success": true, "message": "LPR data received successfully", "detection_id": record.id, "camera_id": record.cameraID,
            "checkpoint_id": record.checkpointID, "timestamp": now,
        ]
    }

    /// `health_response`, and the REST answer to a health report.
    public static func healthStored(_ report: HealthReport) -> [String: Any] {
        [
            "success": true, "message": "Health status received successfully", "health_id": report.id, "camera_id": report.cameraID,
            "checkpoint_id": report.checkpointID, "timestamp": now,
        ]
    }

    /// `pong`, with the ping's own message back.
    public static func pong(to ping: [String: Any]) -> [String: Any] {
        ["success": true, "message": "pong", "original_message": ping["message"] as? String ?? "Hello from AI Camera", "timestamp": now]
    }

    /// The `status` event after joining a room.
    public static func joined(_ room: String) -> [String: Any] {
        let name = room == "dashboard" ? "dashboard" : "health monitoring"
        return ["success": true, "message": "Joined \(name) room", "room": room, "timestamp": now]
    }

    /// `camera_status`, to the dashboard room.
    public static func cameraStatus(_ cameraID: CameraID, checkpointID: String?, online: Bool) -> [String: Any] {
        var status: [String: Any] = ["camera_id": cameraID, "status": online ? "online" : "offline", "timestamp": now]
        if let checkpointID { status["checkpoint_id"] = checkpointID }
        return status
    }

    /// The `error` event the original emits for a bad event: the first missing field, as it words it.
    public static func errorEvent(_ error: any Error, message: String) -> [String: Any] {
        if let missing = error as? LPRIngest.MissingFields {
            return ["message": "Missing required field: \(missing.names[0])", "missing_fields": missing.names]
        }
        return ["message": message]
    }

    /// A failed event or request: `success: false` with the reason as `error` and `message`.
    public static func failure(_ message: String, missing: [String]? = nil, code: String? = nil) -> [String: Any] {
        var answer: [String: Any] = ["success": false, "error": message, "message": message, "timestamp": now]
        if let missing { answer["missing_fields"] = missing }
        if let code { answer["code"] = code }
        return answer
    }
}
