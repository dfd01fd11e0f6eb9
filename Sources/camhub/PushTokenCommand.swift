import ArgumentParser
import CamHubCore
import CamHubPush
import CamHubServer
import CamHubStorage
import Foundation
import Logging

/// `camhub push-token <id>`: prints the token a seed 003 camera sends on `/video-input-stream`.
struct PushTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push-token",
        abstract: "Print the token of a camera that pushes frames over the seed 003 WebSocket protocol."
    )

    @Argument(help: "The camera's id: a positive integer.")
    var id: UInt32

    @Option(name: .customLong("data-dir"), help: "The hub's data folder (default ./data; env CAMHUB_DATA_DIR).")
    var dataDirectory: String?

    @Option(help: "The hub's config file (default <data-dir>/camhub.json; env CAMHUB_CONFIG).")
    var config: String?

    func validate() throws {
        guard id > 0 else { throw ValidationError("the camera id must be a positive integer") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = HubPaths(dataDirectory: dataDirectory, configFile: config, environment: environment)
        let file = try? ConfigurationLoader.read(paths.configFile)
        let secretConfigured = environment["CAMHUB_PUSH_SECRET"] != nil || file?.push.secret != nil
        let database = try? DatabaseLocation(parsing: environment["CAMHUB_DATABASE_URL"] ?? file?.database.url)
        // A mistyped --data-dir must not make a new folder with a new secret and print a token the
        // running hub refuses: with no secret configured, the hub's secret file must be there.
        let secretFile = paths.dataDirectory.appendingPathComponent(PushTokens.fileName)
        let shared = if case .postgres = database { true } else { false }
        guard secretConfigured || shared || FileManager.default.fileExists(atPath: secretFile.path) else {
            FileHandle.standardError.write(Data("camhub: no push secret in \(paths.dataDirectory.path): is --data-dir the hub's data folder?\n".utf8))
            throw ExitCode(2)
        }
        let (configuration, loadedPaths) = try ServeCommand.loadConfiguration(dataDirectory: dataDirectory, config: config)
        var logger = Logger(label: "camhub")
        logger.logLevel = .error
        // The camera's token generation is in the registry, the secret in the data dir or the shared database.
        let (secret, camera) = try await HubStorage.withOpen(configuration.database.location, dataDirectory: loadedPaths.dataDirectory, logger: logger) { stores in
            let secret = secretConfigured || !shared ? nil : try await stores.sharedSecrets?.existingSecret(PushTokens.sharedName)
            return (secret, try await stores.cameras.camera(id: String(id)))
        }
        guard let camera else {
            FileHandle.standardError.write(Data("camhub: no camera \(id) in the registry: create it with POST /cameras\n".utf8))
            throw ExitCode(2)
        }
        let tokens: PushTokens
        if let secret {
            tokens = PushTokens(secret: secret, legacySecret: configuration.push.legacySecret)
        } else if shared, !secretConfigured {
            FileHandle.standardError.write(Data("camhub: no push secret in the database yet: start a hub on it first\n".utf8))
            throw ExitCode(2)
        } else {
            tokens = try await PushTokens.load(configuration: configuration, paths: loadedPaths)
        }
        print(tokens.token(for: id, generation: PushTokens.generation(of: camera)))
    }
}
