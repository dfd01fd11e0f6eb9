import CamHubCore
import Foundation
import Hummingbird

extension CameraController {
    /// `DELETE /cameras/{id}` (operator): takes a camera out of the registry, and off the air on
    /// every hub of the site: its push socket closes, its network source stops, its viewers'
    /// streams end. Its records keep its id. A camera declared in a hub's config file is removed
    /// there instead (409 here), since that hub would declare it again at its next start.
    @Sendable func delete(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard try await hub.access.isOperator(request, context: context) else {
            throw APIError.unauthorized("removing a camera needs the admin token")
        }
        let camera = try await hub.camera(try context.parameters.require("id"))
        guard camera.kind != .local else {
            throw APIError(.conflict, code: "declared_in_config", "camera '\(camera.id)' is declared in a hub's config file; remove it there")
        }
        try await hub.cameras.delete(id: camera.id)
        await hub.takeOffTheAir(camera.id)
        context.logger.notice("camera removed", metadata: ["camera": "\(camera.id)", "kind": "\(camera.kind.rawValue)"])
        return try JSONResponse.make(["status": "removed", "camera_id": camera.id])
    }
}
