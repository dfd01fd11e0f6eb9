import CamHubCore
import Foundation
import Hummingbird

extension CameraController {
    /// `GET /cameras/{id}/motion`: the motion settings in force for a camera (the defaults with
    /// its own on top), whatever its kind.
    @Sendable func motion(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = try await hub.camera(try context.parameters.require("id"))
        try await hub.access.requireOperator(request, context: context)
        return try JSONResponse.make(hub.configuration.motionSettings(of: camera))
    }

    /// `PUT /cameras/{id}/motion` (operator): a registered, pushed, edge or network camera's own
    /// motion settings, the keys of a config camera's `motion` object (only what differs from the
    /// defaults; `{}` goes back to them). Checked as the config's are; applies at once. A camera
    /// from a hub's config file is set in that file.
    @Sendable func setMotion(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = try await hub.camera(try context.parameters.require("id"))
        try await hub.access.requireOperator(request, context: context)
        guard camera.kind != .local else {
            throw APIError(.conflict, code: "declared_in_config", "camera '\(camera.id)' is declared in a hub's config file; set its motion there")
        }
        let body = try await request.collectBody(limit: 256 * 1024)
        let overrides: MotionOverrides
        do {
            overrides = try JSONDecoder().decode(MotionOverrides.self, from: Data(buffer: body))
        } catch let error as ConfigurationError {
            throw APIError.validation([FieldProblem(field: error.key.isEmpty ? "body" : error.key, message: error.message, kind: "value_error")])
        } catch {
            throw APIError.badRequest("the body must be a JSON object of motion settings")
        }
        if let problem = overrides.applied(to: hub.configuration.motion.defaults).problem(key: "") {
            throw APIError.validation([FieldProblem(field: String(problem.key.drop { $0 == "." }), message: problem.message, kind: "value_error")])
        }
        let updated = try await hub.cameras.update(id: camera.id) { $0.settings.motion = overrides }
        context.logger.info("motion settings changed", metadata: ["camera": "\(camera.id)", "enabled": "\(overrides.enabled.map(String.init) ?? "default")"])
        return try JSONResponse.make(hub.configuration.motionSettings(of: updated))
    }
}
