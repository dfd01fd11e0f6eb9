import CamHubCore
import Foundation
import Hummingbird

/// `GET /health`: the seed 000 fields, which also satisfy seed 001's health check.
struct HealthController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("health", use: health)
        return routes
    }

    struct Health: Encodable {
        struct SystemInfo: Encodable {
            let cpuPercent: Double
            let memoryPercent: Double
            let processResidentBytes: Int

            enum CodingKeys: String, CodingKey {
                case cpuPercent = "cpu_percent"
                case memoryPercent = "memory_percent"
                case processResidentBytes = "process_resident_bytes"
            }
        }

        let status: String
        let timestamp: String
        let uptimeSeconds: Double
        let registeredCameras: Int
        let activeCameras: Int
        let systemInfo: SystemInfo

        enum CodingKeys: String, CodingKey {
            case status, timestamp
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
                timestamp: JSONResponse.timestamp(Date()),
                uptimeSeconds: (hub.uptime * 100).rounded() / 100,
                registeredCameras: cameras.count,
                activeCameras: active.count,
                systemInfo: .init(
                    cpuPercent: hub.systemUsage.cpuPercent(),
                    memoryPercent: SystemUsage.memoryPercent(),
                    processResidentBytes: SystemUsage.residentBytes()
                )
            )
        )
    }
}
