import CamHubCore
import Foundation
import Hummingbird

/// Seed 001's process management: the pid and a graceful shutdown. Both are operator calls.
struct ServerController {
    let hub: Hub
    let shutdown: ShutdownSwitch

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("server/pid", use: pid)
        routes.post("server/shutdown", use: shutdownServer)
        return routes
    }

    /// Seed 001's `/server/pid`: the pid and the signals the process answers, plus camhub's facts.
    struct ProcessInfoJSON: Encodable {
        static let signals = [
            "SIGINT": "Graceful shutdown (Ctrl+C)", "SIGTERM": "Graceful shutdown (kill)",
            "SIGHUP": "Reload configuration and reopen the log file (kill -HUP)", "SIGUSR1": "Output statistics (kill -USR1)",
            "SIGUSR2": "Restart camera (kill -USR2)",
        ]
        let pid: Int32
        let signals = Self.signals
        let uptimeSeconds: Double
        let residentBytes: Int
        let dataDir: String
        let configFile: String

        enum CodingKeys: String, CodingKey {
            case pid, signals
            case uptimeSeconds = "uptime_seconds"
            case residentBytes = "resident_bytes"
            case dataDir = "data_dir"
            case configFile = "config_file"
        }
    }

    @Sendable func pid(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await requireOperator(request, context)
        return try JSONResponse.make(
            ProcessInfoJSON(
                pid: ProcessInfo.processInfo.processIdentifier, uptimeSeconds: (hub.uptime * 100).rounded() / 100,
                residentBytes: SystemUsage.residentBytes(), dataDir: hub.paths.dataDirectory.path,
                configFile: hub.paths.configFile.path
            )
        )
    }

    @Sendable func shutdownServer(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await requireOperator(request, context)
        context.logger.notice("shutdown requested over HTTP")
        // Answer first; the shutdown then closes this connection with all the others.
        let shutdown = self.shutdown
        Task {
            try? await Task.sleep(for: .milliseconds(100))
            await shutdown.pull()
        }
        // Seed 001's answer (200 and its message), with camhub's status beside it.
        return try JSONResponse.make(["status": "shutting_down", "message": "Graceful shutdown initiated"])
    }

    private func requireOperator(_ request: Request, _ context: HubRequestContext) async throws {
        try await hub.access.requireOperator(request, context: context)
    }
}
