import CamHubCore
import Hummingbird

/// Seed 004 (CamServe) paths, served for the default camera.
struct CamServeController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("stream", use: stream)
        routes.get("api/status", use: status)
        routes.get("api/frame", use: frame)
        routes.get("api/smframe", use: smallFrame)
        return routes
    }

    /// The seed 004 `/api/status` shape.
    struct Status: Encodable {
        let cameraID: String
        let width: Int
        let height: Int
        let fps: Double
        let isRunning: Bool
        let frameAvailable: Bool
        /// The 320x320 small frame is made on request from the newest frame, so it is available
        /// whenever a frame is.
        let smframeAvailable: Bool

        enum CodingKeys: String, CodingKey {
            case width, height, fps
            case cameraID = "camera_id"
            case isRunning = "is_running"
            case frameAvailable = "frame_available"
            case smframeAvailable = "smframe_available"
        }
    }

    @Sendable func stream(_ request: Request, context: HubRequestContext) async throws -> Response {
        MJPEGResponse.stream(try await hub.liveFeed(for: hub.defaultCameraID), channel: context.channel, fanOuts: hub.mjpegFanOuts)
    }

    @Sendable func status(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = hub.defaultCamera
        let feed = hub.frames.feed(for: camera.id)
        let newest = feed.newest
        return try JSONResponse.make(
            Status(
                cameraID: camera.id,
                width: newest?.width ?? camera.width,
                height: newest?.height ?? camera.height,
                fps: (feed.statistics().framesPerSecond * 10).rounded() / 10,
                isRunning: !hub.localCameras.isStopped(camera.id),
                frameAvailable: newest != nil,
                smframeAvailable: newest != nil
            )
        )
    }

    @Sendable func frame(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await SnapshotResponse.newest(try await hub.liveFeed(for: hub.defaultCameraID))
    }

    /// Seed 004's small frame: the newest frame at 320x320.
    @Sendable func smallFrame(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await SnapshotResponse.newest(try await hub.liveFeed(for: hub.defaultCameraID), size: .small)
    }
}
