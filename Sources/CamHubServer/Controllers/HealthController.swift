import CamHubCore
import Foundation
import Hummingbird

/// `GET /health`: the seed 000 fields, which also satisfy seed 001's health check.
/// `GET /hub/stats`: what the web app's health page draws (operator).
struct HealthController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("health", use: health)
        routes.get("hub/stats", use: stats)
        return routes
    }

    struct Stats: Encodable {
        struct CameraLine: Encodable {
            let id: String
            let name: String
            let kind: String
            let status: String
            let lastSeenAgeSeconds: Double?
            let fps: Double
            let viewers: Int

            enum CodingKeys: String, CodingKey {
                case id, name, kind, status, fps, viewers
                case lastSeenAgeSeconds = "last_seen_age_seconds"
            }

            /// Written out so a camera never seen has `null` rather than no key.
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(id, forKey: .id)
                try c.encode(name, forKey: .name)
                try c.encode(kind, forKey: .kind)
                try c.encode(status, forKey: .status)
                try c.encode(lastSeenAgeSeconds, forKey: .lastSeenAgeSeconds)
                try c.encode(fps, forKey: .fps)
                try c.encode(viewers, forKey: .viewers)
            }
        }

        let cpuPercent: Double
        let memoryPercent: Double
        let processResidentBytes: Int
        let framesInTotal: UInt64
        let framesDeliveredTotal: UInt64
        let framesSkippedTotal: UInt64
        let framesPerSecondIn: Double
        let viewers: Int
        let cameras: [CameraLine]
        let push: Push

        /// The seed 003 push sockets: how many send, and what was refused or dropped.
        struct Push: Encodable {
            let sockets: Int
            let refused: UInt64
            let framesRejected: UInt64
            let overBudget: UInt64
            let partialBytes: Int

            enum CodingKeys: String, CodingKey {
                case sockets, refused
                case framesRejected = "frames_rejected"
                case overBudget = "over_budget"
                case partialBytes = "partial_bytes"
            }
        }

        enum CodingKeys: String, CodingKey {
            case viewers, cameras, push
            case cpuPercent = "cpu_percent"
            case memoryPercent = "memory_percent"
            case processResidentBytes = "process_resident_bytes"
            case framesInTotal = "frames_in_total"
            case framesDeliveredTotal = "frames_delivered_total"
            case framesSkippedTotal = "frames_skipped_total"
            case framesPerSecondIn = "fps_in"
        }
    }

    @Sendable func stats(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard try await hub.access.isOperator(request, context: context) else { throw APIError.unauthorized("hub statistics are for the operator") }
        let now = Date()
        let feeds = Dictionary(hub.frames.statistics().map { ($0.cameraID, $0) }, uniquingKeysWith: { first, _ in first })
        let cameras = try await hub.cameras.list().map { camera -> Stats.CameraLine in
            let feed = feeds[camera.id]
            let lastSeen = [hub.newestFrameAt(of: camera.id), camera.lastSeenAt].compactMap { $0 }.max()
            return Stats.CameraLine(
                id: camera.id, name: camera.name, kind: camera.kind.rawValue, status: hub.status(of: camera, now: now).rawValue,
                lastSeenAgeSeconds: lastSeen.map { (now.timeIntervalSince($0) * 10).rounded() / 10 },
                fps: hub.framesPerSecond(of: camera.id, here: feed), viewers: feed?.viewers ?? 0
            )
        }
        let all = Array(feeds.values)
        let push = hub.pushStatistics.current
        return try JSONResponse.make(
            Stats(
                cpuPercent: hub.systemUsage.cpuPercent(), memoryPercent: SystemUsage.memoryPercent(),
                processResidentBytes: SystemUsage.residentBytes(),
                framesInTotal: all.reduce(0) { $0 + $1.framesIn }, framesDeliveredTotal: all.reduce(0) { $0 + $1.framesDelivered },
                framesSkippedTotal: all.reduce(0) { $0 + $1.framesSkipped },
                framesPerSecondIn: (all.reduce(0) { $0 + $1.framesPerSecond } * 10).rounded() / 10,
                viewers: all.reduce(0) { $0 + $1.viewers }, cameras: cameras,
                push: Stats.Push(
                    sockets: push.connected, refused: push.refused, framesRejected: push.rejectedFrames, overBudget: push.overBudget,
                    partialBytes: hub.partialBytes.held
                )
            )
        )
    }

    struct Health: Encodable {
        struct SystemInfo: Encodable {
            let cpuPercent: Double
            let memoryPercent: Double
            let temperatureCelsius: Double?
            let processResidentBytes: Int

            enum CodingKeys: String, CodingKey {
                case cpuPercent = "cpu_percent"
                case memoryPercent = "memory_percent"
                case temperatureCelsius = "temperature_celsius"
                case processResidentBytes = "process_resident_bytes"
            }

            /// Written out so `temperature_celsius` is `null` rather than absent, as in seed 000.
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(cpuPercent, forKey: .cpuPercent)
                try c.encode(memoryPercent, forKey: .memoryPercent)
                try c.encode(temperatureCelsius, forKey: .temperatureCelsius)
                try c.encode(processResidentBytes, forKey: .processResidentBytes)
            }
        }

        let status: String
        /// Seed 000's: its model pipeline is loaded. camhub has no pipeline to load; it answers
        /// true once it serves (a missing vision model is reported by the analysis routes).
        let pipelineLoaded = true
        let timestamp: String
        let uptimeSeconds: Double
        let registeredCameras: Int
        let activeCameras: Int
        let systemInfo: SystemInfo

        enum CodingKeys: String, CodingKey {
            case status, timestamp
            case pipelineLoaded = "pipeline_loaded"
            case uptimeSeconds = "uptime_seconds"
            case registeredCameras = "registered_cameras"
            case activeCameras = "active_cameras"
            case systemInfo = "system_info"
        }
    }

    @Sendable func health(_ request: Request, context: HubRequestContext) async throws -> Response {
        let now = Date()
        let cameras = try await hub.cameras.list()
        let active = cameras.filter { hub.status(of: $0, now: now) == .active }
        return try JSONResponse.make(
            Health(
                status: "healthy",
                timestamp: JSONText.timestamp(Date()),
                uptimeSeconds: (hub.uptime * 100).rounded() / 100,
                registeredCameras: cameras.count,
                activeCameras: active.count,
                systemInfo: .init(
                    cpuPercent: hub.systemUsage.cpuPercent(),
                    memoryPercent: SystemUsage.memoryPercent(),
                    temperatureCelsius: SystemUsage.temperatureCelsius(),
                    processResidentBytes: SystemUsage.residentBytes()
                )
            )
        )
    }
}
