import CamHubCore
import Foundation
import Hummingbird

/// The hub's own camera routes: the registry (list, create, delete) and each camera's live delivery.
struct CameraController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("cameras", use: list)
        routes.post("cameras", use: create)
        routes.delete("cameras/{id}", use: delete)
        routes.post("cameras/{id}/key", use: rotateKey)
        routes.delete("cameras/{id}/key", use: revokeKey)
        routes.post("cameras/{id}/push-token", use: rotatePushToken)
        routes.get("cameras/{id}/motion", use: motion)
        routes.put("cameras/{id}/motion", use: setMotion)
        routes.get("cameras/{id}/motion/live", use: liveMotion)
        routes.get("cameras/{id}/stream.mjpeg", use: stream)
        routes.get("cameras/{id}/snapshot.jpg", use: snapshot)
        return routes
    }

    /// One camera in the seed 000 listing shape.
    struct Listing: Encodable {
        let cameraID: CameraID
        let name: String
        let location: String
        let kind: String
        let source: String
        let status: String
        let registeredAt: String
        let lastHeartbeat: String
        let frameCount: UInt64
        let uptimeSeconds: Double
        let fps: Double
        let viewers: Int

        enum CodingKeys: String, CodingKey {
            case name, location, kind, source, status, fps, viewers
            case cameraID = "camera_id"
            case registeredAt = "registered_at"
            case lastHeartbeat = "last_heartbeat"
            case frameCount = "frame_count"
            case uptimeSeconds = "uptime_seconds"
        }
    }

    /// `GET /cameras`: an object keyed by camera id, as seed 000's management API returns it.
    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let now = Date()
        var listing: [String: Listing] = [:]
        for camera in try await hub.cameras.list() {
            let stats = hub.frames.existingFeed(for: camera.id)?.statistics()
            listing[camera.id] = Listing(
                cameraID: camera.id,
                name: camera.name,
                location: camera.location,
                kind: camera.kind.rawValue,
                source: camera.source,
                status: hub.status(of: camera, now: now).rawValue,
                registeredAt: JSONText.timestamp(camera.createdAt),
                lastHeartbeat: JSONText.timestamp(camera.lastHeartbeat),
                frameCount: max(UInt64(camera.reportedFrameCount), stats?.framesIn ?? 0),
                uptimeSeconds: now.timeIntervalSince(camera.createdAt),
                fps: hub.framesPerSecond(of: camera.id, here: stats),
                viewers: stats?.viewers ?? 0
            )
        }
        return try JSONResponse.make(listing)
    }

    @Sendable func stream(_ request: Request, context: HubRequestContext) async throws -> Response {
        let size = try FrameSizeQuery.parse(request)
        let feed = try await hub.liveFeed(for: try context.parameters.require("id"), fromNode: hub.isFromNode(request))
        return MJPEGResponse.stream(feed, size: size, channel: context.channel, fanOuts: hub.mjpegFanOuts)
    }

    @Sendable func snapshot(_ request: Request, context: HubRequestContext) async throws -> Response {
        let size = try FrameSizeQuery.parse(request)
        let feed = try await hub.liveFeed(for: try context.parameters.require("id"))
        return try await SnapshotResponse.newest(feed, size: size)
    }
}
