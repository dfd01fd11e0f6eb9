import ArgumentParser
import CamHubCore
import CamHubPush
import CamHubServer

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
        let (configuration, paths) = try ServeCommand.loadConfiguration(dataDirectory: dataDirectory, config: config)
        print(try PushTokens.load(configuration: configuration, paths: paths).token(for: id))
    }
}
