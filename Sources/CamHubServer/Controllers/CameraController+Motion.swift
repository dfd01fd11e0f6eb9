import CamHubCore
import Foundation
import Hummingbird
import Logging

extension CameraController {
    /// `GET /cameras/{id}/motion`: the motion settings in force for a camera (the defaults with
    /// its own on top), whatever its kind.
    @Sendable func motion(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let camera = try await hub.camera(try context.parameters.require("id"))
        return try JSONResponse.make(hub.configuration.motionSettings(of: camera))
    }

    /// `PUT /cameras/{id}/motion` (operator): a camera's own motion settings, the keys of a config
    /// camera's `motion` object (only what differs from the defaults; `{}` goes back to them).
    /// Checked as the config's are; applies at once. A registered, pushed, edge or network camera
    /// keeps them in the registry; a camera of this hub's config file gets them written into that
    /// file (as `PUT /config` writes it); a camera of another hub's config file gets 409.
    @Sendable func setMotion(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let camera = try await hub.camera(try context.parameters.require("id"))
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
        if camera.kind == .local {
            return try await setConfiguredMotion(camera, overrides, logger: context.logger)
        }
        let updated = try await hub.cameras.update(id: camera.id) { $0.settings.motion = overrides }
        context.logger.info("motion settings changed", metadata: ["camera": "\(camera.id)", "enabled": "\(overrides.enabled.map(String.init) ?? "default")"])
        return try JSONResponse.make(hub.configuration.motionSettings(of: updated))
    }

    /// A camera of this hub's config file: its `motion` set in the file, written and applied.
    private func setConfiguredMotion(_ camera: Camera, _ overrides: MotionOverrides, logger: Logger) async throws -> Response {
        var file = FileManager.default.fileExists(atPath: hub.paths.configFile.path)
            ? try ConfigurationLoader.read(hub.paths.configFile) : hub.configuration
        guard let index = file.cameras.firstIndex(where: { $0.id == camera.id }) else {
            throw APIError(.conflict, code: "declared_in_config", "camera '\(camera.id)' is declared in another hub's config file; set its motion there")
        }
        file.cameras[index].motion = overrides
        do {
            _ = try await hub.reconfigure(with: file, write: true, logger: logger)
        } catch let error as ConfigurationError {
            throw ConfigController.invalid(error)
        }
        logger.info("motion settings changed in the config file", metadata: ["camera": "\(camera.id)"])
        return try JSONResponse.make(hub.configuration.motionSettings(of: camera))
    }

    /// `GET /cameras/{id}/motion/live` (operator): what the last analysed frame showed (the
    /// regions, their area, whether the background was reset, the event under way), for the
    /// camera page to draw over its live view; `analysed: false` when this hub does not analyse
    /// the camera (motion off, or another hub of the site holds it).
    @Sendable func liveMotion(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let camera = try await hub.camera(try context.parameters.require("id"))
        guard let live = hub.motion.live(camera.id) else {
            return JSONResponse.object(["camera_id": camera.id, "analysed": false, "boxes": [Any](), "area": 0, "event_id": NSNull(), "background_reset": false])
        }
        return JSONResponse.object([
            "camera_id": camera.id, "analysed": true, "at": live.timestamp.headerValue,
            "boxes": live.result.boxes.map { ["x": $0.x, "y": $0.y, "width": $0.width, "height": $0.height] },
            "area": live.result.area, "zones": live.result.zones, "background_reset": live.result.backgroundReset,
            "event_id": live.eventID.map { $0 as Any } ?? NSNull(),
        ])
    }
}
