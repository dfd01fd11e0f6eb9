public import CamHubCore
import Foundation
public import Logging
import ServiceLifecycle

/// Runs the hub until SIGINT or SIGTERM, then shuts it down gracefully.
public enum HubServer {
    public static func run(
        configuration: HubConfiguration, paths: HubPaths, environment: [String: String], overrides: ConfigurationOverrides, logger: Logger,
        logFile: LogFile? = nil
    ) async throws {
        let shutdown = ShutdownSwitch()
        let app = try await HubApplication.build(
            configuration: configuration, paths: paths, environment: environment, overrides: overrides, logger: logger, logFile: logFile,
            shutdown: shutdown
        ) { channel in
            let address = channel.localAddress.map { "\($0)" } ?? "?"
            logger.info("camhub is serving", metadata: ["address": "\(address)", "data_dir": "\(paths.dataDirectory.path)"])
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        shutdown.connect { await group.triggerGracefulShutdown() }
        try await group.run()
        logger.info("camhub stopped")
    }
}
