import ArgumentParser
import CamHubCore
import CamHubServer
import Foundation
import Logging

/// `camhub serve`: fills the configuration (command line > environment > file > defaults) and runs
/// the hub. Everything else lives in the libraries so tests build the same application.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the hub: capture the configured cameras and serve the API and web page."
    )

    @Option(help: "Address to listen on (default 127.0.0.1; env CAMHUB_HOST).")
    var host: String?

    @Option(help: "Port to listen on (default 8080; env CAMHUB_PORT).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Folder for the database, logs and config (default ./data; env CAMHUB_DATA_DIR).")
    var dataDirectory: String?

    @Option(help: "Config file (default <data-dir>/camhub.json; env CAMHUB_CONFIG). Written with defaults if missing.")
    var config: String?

    @Option(name: .customLong("database-url"), help: "sqlite:[path] or postgres://user:password@host:port/dbname (env CAMHUB_DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env CAMHUB_LOG_LEVEL).")
    var logLevel: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS and WSS on the port (server.tls.cert_file). Read again on SIGHUP.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert (server.tls.key_file).")
    var tlsKey: String?

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    func run() async throws {
        // Everything camhub creates (config, database, log, blobs, secrets) is for its own user only.
        umask(0o077)
        let tls = tlsCert.map { TLSSettings(certFile: $0, keyFile: tlsKey) }
        let overrides = ConfigurationOverrides(host: host, port: port, logLevel: logLevel, databaseURL: databaseURL, tls: tls)
        let (configuration, paths) = try Self.loadConfiguration(dataDirectory: dataDirectory, config: config, overrides: overrides)
        let (logger, logFile) = LogSetup.bootstrap(configuration: configuration, paths: paths)
        do {
            try await HubServer.run(
                configuration: configuration, paths: paths, environment: ProcessInfo.processInfo.environment, overrides: overrides,
                logger: logger, logFile: logFile
            )
        } catch let failure as HubServer.StartupFailure {
            FileHandle.standardError.write(Data("camhub: \(failure)\n".utf8))
            throw ExitCode(2)
        } catch where OutOfSpace.matches(error) || DiskFault.matches(error) {
            // A first start must write its secrets (admin token, push secret, data key).
            FileHandle.standardError.write(Data("camhub: cannot start: \(writeFailureReason(error)) in \(paths.dataDirectory.path)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The configuration as `serve` sees it; a bad value exits with status 2, naming the key.
    static func loadConfiguration(
        dataDirectory: String?, config: String?, overrides: ConfigurationOverrides = .init()
    ) throws -> (HubConfiguration, HubPaths) {
        let environment = ProcessInfo.processInfo.environment
        let paths = HubPaths(dataDirectory: dataDirectory, configFile: config, environment: environment)
        // Writes a crash cut short leave temporary files; the files they were for are whole.
        for folder in [paths.dataDirectory, paths.dataDirectory.appendingPathComponent("blobs")] { PrivateFile.removeTemporaries(in: folder) }
        PrivateFile.removeTemporaries(of: paths.configFile)
        do {
            return (try ConfigurationLoader.load(paths: paths, environment: environment, overrides: overrides), paths)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("camhub: invalid configuration: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
