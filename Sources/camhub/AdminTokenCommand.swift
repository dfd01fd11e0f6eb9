import ArgumentParser
import CamHubCore
import CamHubServer
import CamHubStorage
import Foundation
import Logging

/// `camhub admin-token show|rotate`: where the operator's token is, and a new one.
struct AdminTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-token",
        abstract: "Show where the admin token is, or rotate it.",
        subcommands: [Show.self, Rotate.self]
    )

    struct Options: ParsableArguments {
        @Option(name: .customLong("data-dir"), help: "The hub's data folder (default ./data; env CAMHUB_DATA_DIR).")
        var dataDirectory: String?

        @Option(help: "The hub's config file (default <data-dir>/camhub.json; env CAMHUB_CONFIG).")
        var config: String?
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say where the admin token is kept, without printing it.")
        @OptionGroup var options: Options

        func run() async throws {
            let (configuration, paths) = try ServeCommand.loadConfiguration(dataDirectory: options.dataDirectory, config: options.config)
            let shared = if case .postgres = configuration.database.location { true } else { false }
            print(AdminTokenRotation.describe(dataDirectory: paths.dataDirectory, shared: shared))
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new admin token and print it once; running hubs take it within a second, the old one is refused."
        )
        @OptionGroup var options: Options

        func run() async throws {
            let (configuration, paths) = try ServeCommand.loadConfiguration(dataDirectory: options.dataDirectory, config: options.config)
            guard FileManager.default.fileExists(atPath: paths.dataDirectory.path) else {
                FileHandle.standardError.write(Data("camhub: no data folder at \(paths.dataDirectory.path): is --data-dir the hub's data folder?\n".utf8))
                throw ExitCode(2)
            }
            var logger = Logger(label: "camhub")
            logger.logLevel = .error
            let token: String
            do {
                token = try await HubStorage.withOpen(configuration.database.location, dataDirectory: paths.dataDirectory, logger: logger) { stores in
                    try await AdminTokenRotation.rotate(dataDirectory: paths.dataDirectory, shared: stores.sharedSecrets, sessions: stores.webSessions)
                }
            } catch where OutOfSpace.matches(error) || DiskFault.matches(error) {
                FileHandle.standardError.write(Data("camhub: \(writeFailureReason(error)): the admin token was not changed, the old one still works; run this again once the disk takes writes\n".utf8))
                throw ExitCode(1)
            }
            print(token)
            FileHandle.standardError.write(Data("camhub: the new admin token is in \(paths.dataDirectory.appendingPathComponent("admin.token").path); the old one is refused from now on\n".utf8))
        }
    }
}
