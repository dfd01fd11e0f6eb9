import CamHubCore
import CamHubPush
import Foundation
import Hummingbird

extension CameraController {
    /// `POST /cameras` (operator): adds a camera to the registry, such as a seed 003 camera that
    /// will push over `/video-input-stream`. `{id?, name, location?, capabilities?, metadata?}`;
    /// without an id the next free positive integer is used. A numeric id gets its `push_token`.
    /// With a network `source` (`{source, resolution?, fps?}`) the camera is captured by the site:
    /// one hub at a time (`NetworkCamera`, `SiteCameras`).
    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard try await hub.access.isOperator(request, context: context) else {
            throw APIError.unauthorized("creating a camera needs the admin token")
        }
        let body = try await JSONObject.read(request, limit: hub.configuration.server.maxBodyBytes)
        let requestedID = Self.cameraID(in: body)
        let name = body.string("name", required: true, length: 1...100)
        let location = body.string("location", length: 0...200) ?? ""
        let capabilities = body.strings("capabilities", maxCount: 16, maxLength: 32) ?? []
        let metadata = body.stringMap("metadata", maxCount: 64) ?? [:]
        let network = NetworkCamera.settings(in: body, id: requestedID ?? "", name: name)
        try body.check()

        var camera = try network.map { try NetworkCamera.camera($0, location: location, capabilities: capabilities, metadata: metadata, key: hub.dataKey) }
            ?? Camera(id: requestedID ?? "", name: name!, location: location, kind: .pushed, source: "websocket", capabilities: capabilities, metadata: metadata)
        // A token of its own generation: a camera made again with an old id gets a new token.
        if network == nil { camera.metadata[PushTokens.generationKey] = PushTokens.newGeneration() }
        if requestedID != nil {
            try await hub.cameras.create(camera)
        } else {
            try await createWithNextFreeID(&camera)
        }
        context.logger.info("camera created", metadata: ["camera": "\(camera.id)", "name": "\(camera.name)", "source": "\(camera.source)"])
        // A network camera is captured at once when no hub holds it yet (this one takes it).
        if network != nil { await hub.siteCameras.reconcile() }
        return try JSONResponse.make(
            Created(
                id: camera.id, name: camera.name, location: camera.location, kind: camera.kind.rawValue, source: camera.source,
                status: hub.status(of: camera).rawValue, createdAt: JSONText.timestamp(camera.createdAt),
                pushToken: network == nil ? hub.pushToken(of: camera) : nil
            ),
            status: .created
        )
    }

    /// The requested id: a positive integer (as a number or a canonical decimal string) or a name
    /// of letters, digits, '-' and '_'. Problems are recorded on `body`.
    static func cameraID(in body: JSONObject) -> CameraID? {
        guard let raw = body.raw("id") else { return nil }
        let requirement = "must be a positive integer up to \(UInt32.max), or 1 to 64 letters, digits, '-' and '_'"
        if let number = raw as? NSNumber, !JSONObject.isBool(number), let integer = JSONObject.integer(raw) {
            guard (1...Int(UInt32.max)).contains(integer) else {
                body.reject("id", requirement)
                return nil
            }
            return String(integer)
        }
        guard let text = raw as? String, CameraIDRules.isValid(text) else {
            body.reject("id", requirement)
            return nil
        }
        let numeric = text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        if numeric, PushTokens.pushID(of: text) == nil {
            body.reject("id", requirement + " (numbers without leading zeros)")
            return nil
        }
        return text
    }

    /// Picks the next integer after the largest numeric id, retrying if another request takes it first.
    private func createWithNextFreeID(_ camera: inout Camera) async throws {
        for _ in 0..<5 {
            let largest = try await hub.cameras.list().compactMap { PushTokens.pushID(of: $0.id) }.max() ?? 0
            guard largest < UInt32.max else { break }
            camera.id = String(largest + 1)
            do {
                try await hub.cameras.create(camera)
                return
            } catch let error as CamHubError where error.code == .conflict {
                continue
            }
        }
        throw CamHubError.conflict("could not pick a free camera id; give one in 'id'")
    }

    struct Created: Encodable {
        let id: String
        let name: String
        let location: String
        let kind: String
        let source: String
        let status: String
        let createdAt: String
        let pushToken: String?

        enum CodingKeys: String, CodingKey {
            case id, name, location, kind, source, status
            case createdAt = "created_at"
            case pushToken = "push_token"
        }
    }
}
