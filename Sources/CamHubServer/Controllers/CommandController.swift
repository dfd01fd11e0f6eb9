import CamHubCore
import Foundation
import Hummingbird

/// Operators queue commands for a camera; the camera collects them on its next heartbeat.
struct CommandController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.post("cameras/{id}/commands", use: enqueue)
        routes.get("cameras/{id}/commands", use: list)
        return routes
    }

    @Sendable func enqueue(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = try await hub.camera(try context.parameters.require("id"))
        guard hub.access.isOperator(request, context: context) else {
            throw APIError.unauthorized("queueing commands needs the admin token")
        }
        let body = try await JSONObject.read(request, limit: 64 * 1024)
        let command = try Self.commandRequest(from: body)
        let queued = try await hub.commands.enqueue(command, for: camera.id, at: Date())
        context.logger.info("command queued", metadata: ["camera": "\(camera.id)", "type": "\(command.type.rawValue)"])
        return try JSONResponse.make(CommandJSON(queued), status: .created)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = try await hub.camera(try context.parameters.require("id"))
        try hub.access.requireCameraOrOperator(camera, key: Access.presentedKey(request), request: request, context: context)
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
        createdAt = JSONResponse.timestamp(command.createdAt)
        deliveredAt = command.deliveredAt.map(JSONResponse.timestamp)
    }

    enum CodingKeys: String, CodingKey {
        case id, type, value, reason, state
        case createdAt = "created_at"
        case deliveredAt = "delivered_at"
    }
}

/// `GET /cameras/{id}/status`: the seed 000 listing fields plus the camera's settings and stats.
struct CameraStatusJSON: Encodable {
    let camera: Camera
    let hub: Hub
    let pendingCommands: Int

    enum CodingKeys: String, CodingKey {
        case cameraID = "camera_id"
        case name, location, kind, status, config, stats
        case registeredAt = "registered_at"
        case lastHeartbeat = "last_heartbeat"
        case frameCount = "frame_count"
        case uptimeSeconds = "uptime_seconds"
        case lastError = "last_error"
        case pendingCommands = "pending_commands"
    }

    struct Config: Encodable {
        let settings: CameraSettings
        let capabilities: [String]

        enum CodingKeys: String, CodingKey {
            case resolution, fps, capabilities, task, question, url
            case sourceType = "source_type"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            if let width = settings.width, let height = settings.height {
                try c.encode([width, height], forKey: .resolution)
            } else {
                try c.encodeNil(forKey: .resolution)
            }
            try c.encode(settings.fps, forKey: .fps)
            try c.encode(capabilities, forKey: .capabilities)
            try c.encode(settings.task, forKey: .task)
            try c.encode(settings.question, forKey: .question)
            try c.encode(settings.sourceType, forKey: .sourceType)
            try c.encode(settings.url, forKey: .url)
        }
    }

    struct Stats: Encodable {
        let framesReceived: UInt64
        let fps: Double
        let viewers: Int

        enum CodingKeys: String, CodingKey {
            case fps, viewers
            case framesReceived = "frames_received"
        }
    }

    func encode(to encoder: any Encoder) throws {
        let now = Date()
        let stats = hub.frames.existingFeed(for: camera.id)?.statistics()
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(camera.id, forKey: .cameraID)
        try c.encode(camera.name, forKey: .name)
        try c.encode(camera.location, forKey: .location)
        try c.encode(camera.kind.rawValue, forKey: .kind)
        try c.encode(hub.status(of: camera, now: now).rawValue, forKey: .status)
        try c.encode(JSONResponse.timestamp(camera.createdAt), forKey: .registeredAt)
        try c.encode(camera.lastSeenAt.map(JSONResponse.timestamp), forKey: .lastHeartbeat)
        try c.encode(max(UInt64(camera.reportedFrameCount), stats?.framesIn ?? 0), forKey: .frameCount)
        try c.encode(now.timeIntervalSince(camera.createdAt), forKey: .uptimeSeconds)
        try c.encode(camera.lastError, forKey: .lastError)
        try c.encode(pendingCommands, forKey: .pendingCommands)
        try c.encode(Config(settings: camera.settings, capabilities: camera.capabilities), forKey: .config)
        try c.encode(
            Stats(
                framesReceived: stats?.framesIn ?? 0,
                fps: ((stats?.framesPerSecond ?? 0) * 10).rounded() / 10,
                viewers: stats?.viewers ?? 0
            ),
            forKey: .stats
        )
    }
}
