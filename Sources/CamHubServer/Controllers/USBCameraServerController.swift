import CamHubCapture
import CamHubCore
import Foundation
import Hummingbird

/// Seed 001 (USB Camera Server) paths, served for the default camera.
struct USBCameraServerController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("video_feed", use: videoFeed)
        routes.get("status", use: status)
        return routes
    }

    /// The seed 001 `/status` shape.
    struct Status: Encodable {
        struct Config: Encodable {
            let cameraID: String
            let source: String
            let width: Int
            let height: Int
            let fps: Int
            let jpegQuality: Int

            enum CodingKeys: String, CodingKey {
                case source, width, height, fps
                case cameraID = "camera_id"
                case jpegQuality = "jpeg_quality"
            }
        }

        let isRunning: Bool
        let isConnected: Bool
        let queueSize: Int
        let reconnectAttempts: Int
        let stats: CaptureStatsJSON
        let config: Config

        enum CodingKeys: String, CodingKey {
            case stats, config
            case isRunning = "is_running"
            case isConnected = "is_connected"
            case queueSize = "queue_size"
            case reconnectAttempts = "reconnect_attempts"
        }
    }

    @Sendable func videoFeed(_ request: Request, context: HubRequestContext) async throws -> Response {
        MJPEGResponse.stream(try await hub.liveFeed(for: hub.defaultCameraID), channel: context.channel, fanOuts: hub.mjpegFanOuts)
    }

    @Sendable func status(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = hub.defaultCamera
        let now = Date()
        let capture = hub.localCameras.statistics(for: camera.id, now: now) ?? CaptureStatistics(startedAt: now)
        return try JSONResponse.make(
            Status(
                isRunning: !hub.localCameras.isStopped(camera.id) && capture.phase != .failed && capture.phase != .idle,
                isConnected: capture.isConnected,
                queueSize: hub.frames.existingFeed(for: camera.id)?.newest == nil ? 0 : 1,
                reconnectAttempts: capture.reconnectAttempts,
                stats: CaptureStatsJSON(capture, now: now),
                config: .init(
                    cameraID: camera.id, source: SourceAddress.redacted(camera.source), width: camera.width, height: camera.height,
                    fps: camera.fps, jpegQuality: camera.jpegQuality
                )
            )
        )
    }
}

/// Seed 001's `stats` object for one local camera, with the capture's phase and last error beside
/// it (the seed's clients ignore keys they do not know).
struct CaptureStatsJSON: Encodable {
    let statistics: CaptureStatistics
    let now: Date

    init(_ statistics: CaptureStatistics, now: Date) {
        self.statistics = statistics
        self.now = now
    }

    enum CodingKeys: String, CodingKey {
        case uptime, state
        case framesCaptured = "frames_captured"
        case framesDropped = "frames_dropped"
        case connectionErrors = "connection_errors"
        case lastFrameAge = "last_frame_age"
        case isConnected = "is_connected"
        case reconnectAttempts = "reconnect_attempts"
        case lastError = "last_error"
    }

    /// Written out so `last_frame_age` and `last_error` are `null` rather than absent.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(statistics.framesCaptured, forKey: .framesCaptured)
        try c.encode(statistics.framesDropped, forKey: .framesDropped)
        try c.encode(statistics.connectionErrors, forKey: .connectionErrors)
        try c.encode((statistics.uptime(now: now) * 100).rounded() / 100, forKey: .uptime)
        try c.encode(statistics.lastFrameAge(now: now).map { ($0 * 1000).rounded() / 1000 }, forKey: .lastFrameAge)
        try c.encode(statistics.isConnected, forKey: .isConnected)
        try c.encode(statistics.reconnectAttempts, forKey: .reconnectAttempts)
        try c.encode(statistics.phase.rawValue, forKey: .state)
        try c.encode(statistics.lastError, forKey: .lastError)
    }
}
