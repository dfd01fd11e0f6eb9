import CamHubCore
import Foundation
import Hummingbird
import CamHubPush

extension CameraController {
    /// `POST /cameras/{id}/key` (operator): a new API key for a camera, answered once (only its
    /// hash is kept); the old one gets 401 from now on, on every hub. For a camera whose key leaked.
    @Sendable func rotateKey(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let camera = try await hub.camera(try context.parameters.require("id"))
        let key = CameraKeys.generate()
        _ = try await hub.cameras.update(id: camera.id) { $0.keyHash = CameraKeys.hash(key) }
        context.logger.notice("a camera's api key was rotated", metadata: ["camera": "\(camera.id)"])
        return JSONResponse.object(["camera_id": camera.id, "api_key": key], status: .created)
    }

    /// `POST /cameras/{id}/push-token` (operator): a seed 003 camera's new push token, answered
    /// once (a new generation); the old one is refused from now on, and the socket that proved it
    /// is closed.
    @Sendable func rotatePushToken(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let camera = try await hub.camera(try context.parameters.require("id"))
        guard PushTokens.pushID(of: camera.id) != nil else {
            throw APIError(.conflict, code: "not_a_push_camera", "camera '\(camera.id)' has no push token: seed 003 ids are positive integers")
        }
        let updated = try await hub.cameras.update(id: camera.id) { $0.metadata[PushTokens.generationKey] = PushTokens.newGeneration() }
        await hub.pushConnections.close(camera.id, code: .policyViolation, reason: "the camera's push token was rotated")
        context.logger.notice("a camera's push token was rotated", metadata: ["camera": "\(camera.id)"])
        return JSONResponse.object(["camera_id": camera.id, "push_token": hub.pushToken(of: updated) ?? NSNull()], status: .created)
    }

    /// `DELETE /cameras/{id}/key` (operator): the camera has no key any more; every call with one
    /// gets 401 until a new one is made (`POST`).
    @Sendable func revokeKey(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let camera = try await hub.camera(try context.parameters.require("id"))
        _ = try await hub.cameras.update(id: camera.id) { $0.keyHash = nil }
        context.logger.notice("a camera's api key was revoked", metadata: ["camera": "\(camera.id)"])
        return JSONResponse.object(["camera_id": camera.id, "revoked": true])
    }
}
