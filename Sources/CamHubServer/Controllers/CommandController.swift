import CamHubCore
import Foundation
import Hummingbird

/// Operators queue commands for a camera; the camera collects them on its next heartbeat, or gets
/// them at once over its push socket (`Hub.enqueue`).
struct CommandController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.post("cameras/{id}/commands", use: enqueue)
        routes.get("cameras/{id}/commands", use: list)
        return routes
    }

    @Sendable func enqueue(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard try await hub.access.isOperator(request, context: context) else {
            throw APIError.unauthorized("queueing commands needs the admin token")
        }
        let camera = try await hub.camera(try context.parameters.require("id"))
        let body = try await JSONObject.read(request, limit: 64 * 1024)
        let command = try Self.commandRequest(from: body)
        let queued = try await hub.enqueue(command, for: camera.id, logger: context.logger)
        context.logger.info("command queued", metadata: ["camera": "\(camera.id)", "type": "\(command.type.rawValue)"])
        return try JSONResponse.make(CommandJSON(queued), status: .created)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = try await hub.access.managedCamera(try context.parameters.require("id"), request: request, context: context, lookup: hub.camera)
        return try JSONResponse.make(["commands": try await hub.commands.commands(for: camera.id).map(CommandJSON.init)])
    }

    /// `{type, value, reason?}` with the value checked against its type.
    static func commandRequest(from body: JSONObject) throws -> CommandRequest {
        let type = body.choice("type", in: CommandType.allCases.map(\.rawValue), required: true).flatMap(CommandType.init)
        let reason = body.string("reason", length: 0...500)
        let raw = body.raw("value", required: true)
        try body.check()
        guard let type, let value = raw.flatMap(Self.value) else {
            throw APIError.validation([FieldProblem(field: "value", message: "must be a number, a string or [width, height]", kind: "type_error")])
        }
        let request = CommandRequest(type: type, value: value, reason: reason)
        do {
            try request.validate()
        } catch {
            throw APIError.validation([FieldProblem(field: "value", message: error.message, kind: "value_error")])
        }
        return request
    }

    private static func value(_ raw: Any) -> CommandValue? {
        if let text = raw as? String { return .text(text) }
        if let integer = JSONObject.integer(raw), !(raw is Bool) { return .integer(integer) }
        if let list = raw as? [Any], list.count == 2, let width = JSONObject.integer(list[0]), let height = JSONObject.integer(list[1]) {
            return .size(width: width, height: height)
        }
        return nil
    }
}

/// A command as the APIs show it, and as a heartbeat hands it to the camera.
struct CommandJSON: Encodable {
    let id: Int64
    let type: String
    let value: CommandValue
    let reason: String?
    let state: String
    let createdAt: String
    let deliveredAt: String?

    init(_ command: CameraCommand) {
        id = command.id
        type = command.type.rawValue
        value = command.value
        reason = command.reason
        state = command.state.rawValue
        createdAt = JSONText.timestamp(command.createdAt)
        deliveredAt = command.deliveredAt.map(JSONText.timestamp)
    }

    enum CodingKeys: String, CodingKey {
        case id, type, value, reason, state
        case createdAt = "created_at"
        case deliveredAt = "delivered_at"
    }
}
