import AsyncHTTPClient
import CamHubCore
import Foundation
import NIOCore
import NIOHTTP1

/// The agent's side of seed 000: register, heartbeat, and send frames, over AsyncHTTPClient.
struct HubClient: Sendable {
    let hub: String
    let client: HTTPClient
    let timeout: TimeAmount = .seconds(10)

    struct Failure: Error, CustomStringConvertible {
        let status: Int
        let message: String
        var description: String { "HTTP \(status): \(message)" }
        /// The hub no longer knows this camera or its key: register again.
        var identityRejected: Bool { status == 401 || status == 404 }
    }

    func register(name: String, location: String, settings: AgentSettings) async throws -> AgentIdentity {
        let body: [String: Any] = [
            "name": name, "location": location, "source_type": "file",
            "resolution": [settings.capture.width, settings.capture.height], "fps": settings.capture.fps,
            "capabilities": ["caption", "vqa"], "metadata": ["agent": "camhub", "source": settings.capture.source],
        ]
        let reply = try await post("/register", json: body)
        guard let id = reply["camera_id"] as? String, let key = reply["api_key"] as? String else {
            throw Failure(status: 200, message: "registration answer without camera_id/api_key")
        }
        return AgentIdentity(hub: hub, cameraID: id, apiKey: key)
    }

    /// Sends a heartbeat and returns the commands that came back with it.
    func heartbeat(_ identity: AgentIdentity, frameCount: Int, error: String?) async throws -> [(type: String, value: CommandValue)] {
        var body: [String: Any] = ["camera_id": identity.cameraID, "api_key": identity.apiKey, "status": error == nil ? "active" : "error", "frame_count": frameCount]
        body["error_message"] = error
        let reply = try await post("/cameras/\(identity.cameraID)/heartbeat", json: body)
        let commands = reply["commands"] as? [[String: Any]] ?? []
        return commands.compactMap { command in
            guard let type = command["type"] as? String, let raw = command["value"],
                let data = try? JSONSerialization.data(withJSONObject: [raw]),
                let value = try? JSONDecoder().decode([CommandValue].self, from: data).first
            else { return nil }
            return (type, value)
        }
    }

    /// Sends one JPEG with the raw form (no base64).
    func sendFrame(_ jpeg: [UInt8], identity: AgentIdentity) async throws {
        var request = HTTPClientRequest(url: hub + "/cameras/\(identity.cameraID)/frames")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(identity.apiKey)")
        request.headers.add(name: "Content-Type", value: "image/jpeg")
        request.body = .bytes(ByteBuffer(bytes: jpeg))
        _ = try await send(request)
    }

    /// Asks the hub to analyse one frame (seed 000's JSON form), for cameras given a task.
    func analyse(_ jpeg: [UInt8], task: String, question: String?, identity: AgentIdentity) async throws -> [String: Any] {
        var body: [String: Any] = [
            "camera_id": identity.cameraID, "api_key": identity.apiKey, "frame_data": Data(jpeg).base64EncodedString(),
            "timestamp": Date().timeIntervalSince1970, "task": task,
        ]
        body["question"] = question
        return try await post("/cameras/\(identity.cameraID)/upload", json: body)
    }

    private func post(_ path: String, json: [String: Any]) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: hub + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        let body = try await send(request)
        return (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
    }

    private func send(_ request: HTTPClientRequest) async throws -> ByteBuffer {
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else {
            let error = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])?["error"] as? [String: Any]
            throw Failure(status: Int(response.status.code), message: error?["message"] as? String ?? response.status.reasonPhrase)
        }
        return body
    }
}
