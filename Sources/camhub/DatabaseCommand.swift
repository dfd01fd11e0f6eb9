import ArgumentParser
import CamHubCore
import CamHubServer
import CamHubStorage
import Foundation
import Logging

/// `camhub db`: work on a hub's database while no hub runs on it.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Work on a hub's database.",
        subcommands: [DatabaseCopyCommand.self]
    )
}

/// `camhub db copy --from sqlite:data/camhub.sqlite --to postgres://...`
struct DatabaseCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a hub's cameras, commands, records, images and secrets into an empty database."
    )

    @Option(help: "The database to copy from: sqlite:path (from the current folder) or postgres://...")
    var from: String

    @Option(help: "The database to copy into: postgres://... or sqlite:path.")
    var to: String

    @Option(name: .customLong("data-dir"), help: "The source hub's data folder, for its images and secrets (default: the SQLite file's folder).")
    var dataDirectory: String?

    @Flag(name: .customLong("allow-existing"), help: "Copy even when the target already holds cameras or records.")
    var allowExisting = false

    func run() async throws {
        var logger = Logger(label: "camhub")
        logger.logLevel = .warning
        let (source, sourceData) = try Self.open(from, dataDirectory: dataDirectory)
        let (target, targetData) = try Self.open(to, dataDirectory: nil)
        do {
            let counts = try await HubStorage.withOpen(source, dataDirectory: sourceData, logger: logger) { sourceStores in
                try await HubStorage.withOpen(target, dataDirectory: targetData, logger: logger) { targetStores in
                    let counts = try await StorageCopy(from: sourceStores, to: targetStores).run(allowExisting: allowExisting) { counts in
                        FileHandle.standardError.write(Data("\rcamhub: copying: \(counts)".utf8))
                    }
                    FileHandle.standardError.write(Data("\n".utf8))
                    if let shared = targetStores.sharedSecrets {
                        for line in try await SharedSecretsCopy.copy(from: sourceData, to: shared) {
                            FileHandle.standardError.write(Data("camhub: \(line)\n".utf8))
                        }
                    }
                    return counts
                }
            }
            print("copied \(counts)")
        } catch let refused as StorageCopy.TargetNotEmpty {
            FileHandle.standardError.write(Data("\ncamhub: \(refused); pass --allow-existing to copy into it anyway\n".utf8))
            throw ExitCode(2)
        } catch let error as CamHubError {
            FileHandle.standardError.write(Data("\ncamhub: database: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// A database URL, with a relative SQLite path taken from the current folder, and the data dir
    /// its images and secrets are in.
    static func open(_ url: String, dataDirectory: String?) throws -> (DatabaseLocation, URL) {
        let location: DatabaseLocation
        do {
            location = try DatabaseLocation(parsing: url)
        } catch {
            FileHandle.standardError.write(Data("camhub: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard case .sqlite = location else { return (location, URL(fileURLWithPath: dataDirectory ?? cwd.path)) }
        let file = location.sqliteFile(in: cwd) ?? cwd.appendingPathComponent("camhub.sqlite")
        return (.sqlite(path: file.path), dataDirectory.map { URL(fileURLWithPath: $0) } ?? file.deletingLastPathComponent())
    }
}
