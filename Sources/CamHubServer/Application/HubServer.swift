public import CamHubCore
import CamHubStorage
import Foundation
public import Logging
import ServiceLifecycle

/// Runs the hub until SIGINT or SIGTERM, then shuts it down gracefully.
public enum HubServer {
    /// The hub could not start: the database named by `database.url` cannot be opened.
    public struct StartupFailure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func run(
        configuration: HubConfiguration, paths: HubPaths, environment: [String: String], overrides: ConfigurationOverrides, logger: Logger,
        logFile: LogFile? = nil
    ) async throws {
        var opened = false
        let tls: ServerTLS?
        do {
            tls = configuration.server.tls.isEnabled ? try ServerTLS(settings: configuration.server.tls) : nil
        } catch {
            throw StartupFailure(description: error.description)
        }
        do {
            try await HubStorage.withOpen(configuration.database.location, dataDirectory: paths.dataDirectory, logger: logger) { stores in
                opened = true
                logger.info("database open", metadata: ["database": "\(stores.description)"])
                try await serve(
                    configuration: configuration, paths: paths, stores: stores, environment: environment, overrides: overrides, tls: tls,
                    logger: logger, logFile: logFile
                )
            }
        } catch let error as CamHubError where !opened {
            throw StartupFailure(description: "database: \(error.message) (check database.url)")
        }
        logger.info("camhub stopped")
    }

    private static func serve(
        configuration: HubConfiguration, paths: HubPaths, stores: HubStores, environment: [String: String], overrides: ConfigurationOverrides,
        tls: ServerTLS?, logger: Logger, logFile: LogFile?
    ) async throws {
        let shutdown = ShutdownSwitch()
        let app = try await HubApplication.build(
            configuration: configuration, paths: paths, stores: stores, environment: environment, overrides: overrides, tls: tls, logger: logger,
            logFile: logFile, shutdown: shutdown
        ) { channel in
            let address = channel.localAddress.map { "\($0)" } ?? "?"
            logger.info(
                "camhub is serving", metadata: ["address": "\(address)", "scheme": "\(tls == nil ? "http" : "https")", "data_dir": "\(paths.dataDirectory.path)"]
            )
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
    }
}
