import CamHubCore
import Foundation

/// What `GET /` answers a program (a request that does not ask for HTML): the originals' own
/// root JSON, merged, since seed 000 and seed 002 both answer their root with a description of
/// themselves. Browsers get the web app.
enum RootAnswers {
    static func index(hub: Hub, host: String) async throws -> [String: Any] {
        let now = Date()
        let cameras = try await hub.cameras.list()
        return [
            // Seed 000 (EdgeVLM camera registration).
            "service": "camhub", "version": "1.0.0",
            "description": "One hub for every camera on a site: registration, push, LPR and local cameras",
            "registered_cameras": cameras.count,
            "active_cameras": cameras.filter { hub.status(of: $0, now: now) == .active }.count,
            "endpoints": [
                "register": "/register - Register new camera", "heartbeat": "/cameras/{camera_id}/heartbeat - Send heartbeat",
                "upload": "/cameras/{camera_id}/upload - Upload frame", "status": "/cameras/{camera_id}/status - Get camera status",
            ],
            // Seed 002 (the LPR server).
            "message": "LPR WebSocket Server v3", "status": "running", "port": hub.configuration.server.port,
            "websocket_endpoint": "/websocket",
            "openapi": "/openapi.json",
        ]
    }

    /// `GET /websocket`, the LPR server's description of its Socket.IO endpoint.
    static func websocket(host: String) -> [String: Any] {
        [
            "message": "WebSocket endpoint is available", "connection_url": "ws://\(host)/socket.io/",
            "events": ["connect", "disconnect", "camera_register", "lpr_data", "health_status", "ping", "join_dashboard", "join_health_room", "status"],
        ]
    }
}
