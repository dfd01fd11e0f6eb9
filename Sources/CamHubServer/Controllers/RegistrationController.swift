import CamHubCore
import Foundation
import HTTPTypes
import Hummingbird

/// Seed 000 (EdgeVLM camera registration): cameras register themselves, send heartbeats that
/// collect their queued commands, and are managed by status, start and stop.
struct RegistrationController {
    let hub: Hub

    static let sourceTypes = ["rtsp", "http", "mjpeg", "usb", "file"]

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.post("register", use: register)
        routes.post("cameras/{id}/heartbeat", use: heartbeat)
        routes.get("cameras/{id}/status", use: status)
        routes.get("cameras/{id}/config", use: config)
        routes.post("cameras/{id}/start", use: start)
        routes.post("cameras/{id}/stop", use: stop)
        return routes
    }

    // MARK: Register

    @Sendable func register(_ request: Request, context: HubRequestContext) async throws -> Response {
        let body = try await JSONObject.read(request, limit: hub.configuration.server.maxBodyBytes)
        try checkEnrollment(request, body: body)
        let name = body.string("name", required: true, length: 1...100)
        let location = body.string("location", required: true, length: 1...200)
        let sourceType = body.choice("source_type", in: Self.sourceTypes, required: true)
        let url = body.string("url", length: 0...2048)
        let username = body.string("username", length: 0...256)
        let password = body.string("password", length: 0...256)
        let resolution = body.size("resolution", range: 16...7680) ?? (640, 480)
        let fps = body.integer("fps", range: 1...60) ?? 15
        let capabilities = body.strings("capabilities", maxCount: 16, maxLength: 32) ?? []
        let metadata = body.stringMap("metadata", maxCount: 64) ?? [:]
        try body.check()

        // Credentials inside the URL are sealed with the others; the registry keeps the URL with
        // `***` in their place, so no answer or log ever shows them.
        let urlUserInfo = url.flatMap(URLCredentials.userInfo(of:))
        let shownURL = url.map(URLCredentials.redact)
        let key = CameraKeys.generate()
        let camera = Camera(
            id: UUID.randomText(), name: name!, location: location!, kind: .registered,
            source: sourceType!, state: .registered, capabilities: capabilities, metadata: metadata,
            settings: CameraSettings(sourceType: sourceType, url: shownURL, width: resolution.width, height: resolution.height, fps: fps),
            keyHash: CameraKeys.hash(key),
            sealedCredentials: try SealedCredentials(username: username ?? "", password: password ?? "", urlUserInfo: urlUserInfo).sealed(with: hub.dataKey)
        )
        try await hub.cameras.create(camera)
        context.logger.info("camera registered", metadata: ["camera": "\(camera.id)", "name": "\(camera.name)"])

        let base = EndpointURLs.base(request, origin: context.origin, configuration: hub.configuration)
        let path = "\(base)/cameras/\(camera.id)"
        return try JSONResponse.make(
            Registered(
                cameraID: camera.id, apiKey: key, status: "registered", message: "Camera registered successfully",
                endpoints: [
                    "heartbeat": "\(path)/heartbeat", "upload_frame": "\(path)/upload", "status": "\(path)/status",
                    "frames": "\(path)/frames", "stream": "\(path)/stream.mjpeg", "snapshot": "\(path)/snapshot.jpg",
                    "config": "\(path)/config",
                ],
                config: .init(resolution: [resolution.width, resolution.height], fps: fps, capabilities: capabilities)
            )
        )
    }

    struct Registered: Encodable {
        struct Config: Encodable {
            let resolution: [Int]
            let fps: Int
            let capabilities: [String]
        }

        let cameraID: String
        let apiKey: String
        let status: String
        let message: String
        let endpoints: [String: String]
        let config: Config

        enum CodingKeys: String, CodingKey {
            case status, message, endpoints, config
            case cameraID = "camera_id"
            case apiKey = "api_key"
        }
    }

    /// With `registration.token` set, a registration must present it.
    private func checkEnrollment(_ request: Request, body: JSONObject) throws {
        guard let expected = hub.configuration.registration.token else { return }
        let presented = request.headers[.xRegistrationToken]
            ?? body.string("registration_token") ?? Access.bearerToken(request)
        guard let presented, ConstantTime.equal(presented, expected) else {
            throw APIError.unauthorized("registration needs the enrollment token (X-Registration-Token)")
        }
    }

    // MARK: Heartbeat

    @Sendable func heartbeat(_ request: Request, context: HubRequestContext) async throws -> Response {
        let body = try await JSONObject.read(request, limit: hub.configuration.server.maxBodyBytes)
        let camera = try await hub.authenticatedCamera(try context.parameters.require("id"), key: Access.presentedKey(request, body: body))
        let reported = body.string("status", length: 0...32)
        let frameCount = body.integer("frame_count", range: 0...Int(Int32.max) * 1000)
        let errorMessage = body.string("error_message", length: 0...1000)
        try body.check()

        let now = Date()
        let delivered = try await hub.commands.takeQueued(for: camera.id, at: now)
        try await hub.cameras.update(id: camera.id) { camera in
            camera.lastSeenAt = now
            if let frameCount { camera.reportedFrameCount = frameCount }
            camera.lastError = errorMessage.flatMap { $0.isEmpty ? nil : $0 }
            if camera.state != .stopped { camera.state = reported == "error" ? .error : .active }
            // The hub's record follows what the camera has now been told.
            for command in delivered { camera.settings.apply(command) }
        }
        return try JSONResponse.make(
            HeartbeatReply(status: "ok", message: "Heartbeat received", commands: delivered.map(CommandJSON.init))
        )
    }

    struct HeartbeatReply: Encodable {
        let status: String
        let message: String
        let commands: [CommandJSON]
    }

    // MARK: Management

    @Sendable func status(_ request: Request, context: HubRequestContext) async throws -> Response {
        // As open as the listing, which shows the same facts; a key, when given, must be right.
        let camera = try await hub.camera(try context.parameters.require("id"))
        try hub.access.refuseWrongKey(camera, key: Access.presentedKey(request))
        let pending = try await hub.commands.commands(for: camera.id).filter { $0.state == .queued }.count
        return try JSONResponse.make(CameraStatusJSON(camera: camera, hub: hub, pendingCommands: pending))
    }

    /// `GET /cameras/{id}/config`, the `config` link seed 000 hands out: the camera's settings as
    /// its commands have changed them. As open as the status.
    @Sendable func config(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = try await hub.camera(try context.parameters.require("id"))
        try hub.access.refuseWrongKey(camera, key: Access.presentedKey(request))
        return try JSONResponse.make(CameraStatusJSON.Config(settings: camera.settings, capabilities: camera.capabilities))
    }

    @Sendable func start(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await setStopped(false, request: request, context: context)
    }

    @Sendable func stop(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await setStopped(true, request: request, context: context)
    }

    private func setStopped(_ stopped: Bool, request: Request, context: HubRequestContext) async throws -> Response {
        let camera = try await hub.access.managedCamera(try context.parameters.require("id"), request: request, context: context, lookup: hub.camera)
        try await hub.setStopped(camera.id, stopped, logger: context.logger)
        // Seed 000's answer: `success`, and the camera in the message.
        return try JSONResponse.make(["status": "success", "message": "Camera \(camera.id) \(stopped ? "stopped" : "started")"])
    }
}

/// Absolute URLs handed to cameras: from `server.public_url`, else from what a trusted proxy
/// forwarded (scheme, host and port), else from the request's Host.
enum EndpointURLs {
    static func base(_ request: Request, origin: RequestOrigin, configuration: HubConfiguration) -> String {
        if let url = configuration.server.publicURL {
            return url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        let host = origin.authority ?? request.head.authority ?? "\(configuration.server.host):\(configuration.server.port)"
        return "\(origin.scheme ?? "http")://\(host)"
    }
}

extension CameraSettings {
    /// Records the effect of a command the camera has been given.
    mutating func apply(_ command: CameraCommand) {
        switch (command.type, command.value) {
        case (.adjustFPS, .integer(let fps)): self.fps = fps
        case (.changeResolution, .size(let width, let height)): (self.width, self.height) = (width, height)
        case (.setTask, .text(let task)): self.task = task
        case (.setQuestion, .text(let question)): self.question = question
        default: break
        }
    }
}
