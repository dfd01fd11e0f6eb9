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
        struct Stats: Encodable {
            let framesCaptured: UInt64
            let framesDropped: UInt64
            let connectionErrors: Int
            let uptime: Double
            let lastFrameAge: Double?

            enum CodingKeys: String, CodingKey {
                case uptime
                case framesCaptured = "frames_captured"
                case framesDropped = "frames_dropped"
                case connectionErrors = "connection_errors"
                case lastFrameAge = "last_frame_age"
            }

            /// Written out so `last_frame_age` is `null` before the first frame, not absent.
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(framesCaptured, forKey: .framesCaptured)
                try c.encode(framesDropped, forKey: .framesDropped)
                try c.encode(connectionErrors, forKey: .connectionErrors)
                try c.encode(uptime, forKey: .uptime)
                try c.encode(lastFrameAge, forKey: .lastFrameAge)
            }
        }

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
        let stats: Stats
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
        MJPEGResponse.stream(hub.frames.feed(for: hub.defaultCameraID), channel: context.channel, fanOuts: hub.mjpegFanOuts)
    }

    @Sendable func status(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = hub.defaultCamera
        let now = FrameTimestamp.now()
        let stats = hub.frames.feed(for: camera.id).statistics(now: now)
        let age = stats.newestTimestamp.map { ((now.seconds - $0.seconds) * 1000).rounded() / 1000 }
        return try JSONResponse.make(
            Status(
                isRunning: true,
                isConnected: age.map { $0 <= Hub.connectedFrameAge } ?? false,
                queueSize: stats.newestSequence == nil ? 0 : 1,
                reconnectAttempts: 0,
                stats: .init(
                    framesCaptured: stats.framesIn,
                    framesDropped: 0,
                    connectionErrors: 0,
                    uptime: (hub.uptime * 100).rounded() / 100,
                    lastFrameAge: age
                ),
                config: .init(
                    cameraID: camera.id, source: camera.source, width: camera.width, height: camera.height,
                    fps: camera.fps, jpegQuality: camera.jpegQuality
                )
            )
        )
    }
}
