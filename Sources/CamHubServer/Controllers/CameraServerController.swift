import CamHubCapture
import CamHubCore
import CamHubPush
import Foundation
import Hummingbird
import NIOCore

/// Seed 003 (Camera Server) HTTP paths. Its cameras are ordinary registry cameras, so every
/// camera is listed and readable here, and frames posted here reach every delivery path.
///
/// The original serves them under `/camera/` (its ASP.NET controller's route), where its frontend
/// calls them; the seed's document lists them at the root. Both are served.
struct CameraServerController {
    let hub: Hub
    static let prefixes = ["", "camera/"]

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        for prefix in Self.prefixes {
            routes.get("\(prefix)hello", use: hello)
            routes.get("\(prefix)list", use: list)
            routes.get("\(prefix)get-image", use: getImage)
            routes.get("\(prefix)stream-image", use: streamImage)
            routes.post("\(prefix)update-image", use: updateImage)
            routes.get("\(prefix)mocked-image", use: mockedImage)
            routes.get("\(prefix)image", use: localImage)
        }
        return routes
    }

    @Sendable func hello(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(["message": "Hello World!"])
    }

    /// One camera in `/list`: the original's `CameraInformation` (`id`, `name`, `description`,
    /// `preview`) and camhub's own fields. Seed 003 ids are integers, so a numeric id is written as
    /// a number. `preview` is a small picture's URL, for an `<img src>`; null without a frame.
    struct Listing: Encodable {
        let id: CameraID
        let name: String
        let description: String
        let preview: String?
        let kind: String
        let lastActive: String?
        let hasImage: Bool

        enum CodingKeys: String, CodingKey {
            case id, name, description, preview, kind, lastActive, hasImage
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            if let number = PushTokens.pushID(of: id) {
                try c.encode(number, forKey: .id)
            } else {
                try c.encode(id, forKey: .id)
            }
            try c.encode(name, forKey: .name)
            try c.encode(description, forKey: .description)
            try c.encode(preview, forKey: .preview)
            try c.encode(kind, forKey: .kind)
            try c.encode(lastActive, forKey: .lastActive)
            try c.encode(hasImage, forKey: .hasImage)
        }
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let cameras = try await hub.cameras.list().map { camera in
            let newest = hub.frames.existingFeed(for: camera.id)?.newest
            let lastFrame = newest.map { Date(timeIntervalSince1970: $0.timestamp.seconds) }
            let lastActive = [lastFrame, camera.lastSeenAt].compactMap { $0 }.max()
            return Listing(
                id: camera.id, name: camera.name, description: camera.location,
                preview: newest.map { _ in "/cameras/\(camera.id)/snapshot.jpg?size=160x120" }, kind: camera.kind.rawValue,
                lastActive: lastActive.map(JSONText.timestamp), hasImage: newest != nil
            )
        }
        return try JSONResponse.make(cameras)
    }

    /// `GET /get-image?cameraId=N`: the newest JPEG, or 404 when the camera has none yet.
    @Sendable func getImage(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try Self.cameraID(request.uri.queryParameters["cameraId"].map(String.init))
        guard let frame = try await hub.liveFeed(for: id).newest else {
            throw APIError(.notFound, code: "no_image", "camera '\(id)' has no image yet")
        }
        return SnapshotResponse.jpeg(frame, body: JPEGBuffer.of(frame))
    }

    @Sendable func streamImage(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try Self.cameraID(request.uri.queryParameters["cameraId"].map(String.init))
        return EventStreamResponse.stream(
            try await hub.liveFeed(for: id), channel: context.channel, stallLimit: .seconds(Int64(hub.configuration.server.stalledViewerSeconds))
        )
    }

    /// `POST /update-image`: a multipart form with `image` (a JPEG) and `cameraId`. The caller
    /// presents the camera's push token (`token` field, `?token=` or `Authorization: Bearer`) or
    /// its API key, or is an operator. An operator may post to a camera that does not exist yet,
    /// which creates it, as the original server did.
    @Sendable func updateImage(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let boundary = MultipartForm.boundary(inContentType: request.headers[.contentType]) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", "send a multipart/form-data body with 'image' and 'cameraId'")
        }
        let body = try await request.collectBody(limit: hub.configuration.hub.maxFrameBytes + 64 * 1024, what: "form")
        let form = try MultipartForm(parsing: body, boundary: boundary)
        guard let idText = form.part("cameraId")?.text?.trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw APIError.validation([FieldProblem(field: "cameraId", message: "field required", kind: "value_error.missing")])
        }
        if let number = Int(idText), number < 1 {
            throw APIError.badRequest("Invalid id in FormData: cameraId must be at least 1")
        }
        let id = try Self.cameraID(idText)
        guard let image = form.part("image") else {
            throw APIError.validation([FieldProblem(field: "image", message: "field required", kind: "value_error.missing")])
        }
        let token = form.part("token")?.text ?? request.uri.queryParameters["token"].map(String.init) ?? Access.bearerToken(request)
        let camera = try await cameraToUpdate(id, token: token, request: request, context: context)
        try hub.refuseIngestIfStopped(camera, what: "frames", logger: context.logger)
        let jpeg = Array(image.body)
        guard jpeg.count <= hub.configuration.hub.maxFrameBytes else {
            throw APIError(.contentTooLarge, code: "too_large", "image is larger than \(hub.configuration.hub.maxFrameBytes) bytes")
        }
        guard let header = JPEGHeader(jpeg) else {
            throw APIError.validation([FieldProblem(field: "image", message: "is not a JPEG (no SOI, frame header or EOI)", kind: "value_error")])
        }
        let frame = try await hub.ingest(jpeg, header, for: camera.id, logger: context.logger)
        return try JSONResponse.make(FrameJSON(frame))
    }

    /// The camera a `/update-image` caller may post to, created for an operator when it is new.
    private func cameraToUpdate(_ id: CameraID, token: String?, request: Request, context: HubRequestContext) async throws -> Camera {
        let isOperator = try await hub.access.isOperator(request, context: context)
        if let camera = try await hub.cameras.camera(id: id) {
            if isOperator { return camera }
            guard let token else { throw APIError.unauthorized("posting an image needs the camera's push token or the admin token") }
            let pushTokenMatches = PushTokens.pushID(of: id).map { hub.pushTokens.matches(token, for: $0, generation: PushTokens.generation(of: camera)) } ?? false
            let keyMatches = camera.keyHash.map { CameraKeys.matches(token, storedHash: $0) } ?? false
            guard pushTokenMatches || keyMatches || hub.access.adminToken.matches(token) else {
                throw APIError.unauthorized("invalid token for camera '\(id)'")
            }
            return camera
        }
        guard isOperator || token.map(hub.access.adminToken.matches) == true else {
            throw CamHubError.notFound("camera '\(id)' not found; create it with POST /cameras")
        }
        let camera = Camera(id: id, name: "Camera \(id)", kind: .pushed, source: "update-image", state: .active)
        do {
            try await hub.cameras.create(camera)
            context.logger.info("camera created by its first image", metadata: ["camera": "\(id)"])
            return camera
        } catch let error as CamHubError where error.code == .conflict {
            return try await hub.camera(id)
        }
    }

    /// A JPEG from the test pattern, as the original's mocked camera returned.
    @Sendable func mockedImage(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let jpeg = Self.mocked else { throw CamHubError.unavailable("the mocked image could not be rendered") }
        return Response(
            status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(bytes: jpeg))
        )
    }

    private static let mocked: [UInt8]? = {
        var renderer = TestPatternRenderer(width: 640, height: 480, title: "mocked image")
        return try? JPEGEncoder().encode(renderer.render(frameNumber: 0, at: Date(timeIntervalSince1970: 0)), quality: 85)
    }()

    /// The default local camera's newest frame.
    @Sendable func localImage(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await SnapshotResponse.newest(hub.frames.feed(for: hub.defaultCameraID))
    }

    /// A `cameraId` value: required, and a valid camera id.
    static func cameraID(_ value: String?) throws -> CameraID {
        guard let value, !value.isEmpty else { throw APIError.badRequest("the cameraId query parameter is required") }
        guard CameraIDRules.isValid(value) else { throw APIError.badRequest("cameraId '\(value.prefix(64))' is not a valid camera id") }
        return value
    }
}
