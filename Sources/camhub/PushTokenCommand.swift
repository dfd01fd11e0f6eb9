import ArgumentParser
import CamHubCore
import CamHubPush
import CamHubServer
import Foundation

/// `camhub push-token <id>`: prints the token a seed 003 camera sends on `/video-input-stream`.
struct PushTokenCommand: ParsableCommand {
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

    func run() throws {
        // A mistyped --data-dir must not make a new folder with a new secret and print a token the
        // running hub refuses: with no secret configured, the hub's secret file must be there.
        let environment = ProcessInfo.processInfo.environment
        let paths = HubPaths(dataDirectory: dataDirectory, configFile: config, environment: environment)
        let secretFile = paths.dataDirectory.appendingPathComponent(PushTokens.fileName)
        let hasSecret = environment["CAMHUB_PUSH_SECRET"] != nil || FileManager.default.fileExists(atPath: secretFile.path)
            || (try? ConfigurationLoader.read(paths.configFile))?.push.secret != nil
        guard hasSecret else {
            FileHandle.standardError.write(Data("camhub: no push secret in \(paths.dataDirectory.path): is --data-dir the hub's data folder?\n".utf8))
            throw ExitCode(2)
        }
        let (configuration, loadedPaths) = try ServeCommand.loadConfiguration(dataDirectory: dataDirectory, config: config)
        print(try PushTokens.load(configuration: configuration, paths: loadedPaths).token(for: id))
    }
}
