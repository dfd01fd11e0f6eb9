import CamHubCore
import CamHubStorage
import Foundation
import Logging
import Testing

/// The backends every repository contract runs against. PostgreSQL joins when
/// `CAMHUB_TEST_POSTGRES_URL` names a server (`make test` starts a throwaway one, so there it
/// always runs); each test gets a schema of its own there.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case memory
    case sqlite
    /// SQLite behind the read cache a hub with its own database runs with.
    case cachedSQLite = "cached sqlite"
    case postgres

    var testDescription: String { rawValue }

    static let postgresURL = ProcessInfo.processInfo.environment["CAMHUB_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// The backends there is a server for.
    static var available: [Backend] {
        allCases.filter { $0 != .postgres || postgresURL != nil }
    }

    /// A fresh, empty store of this kind, open while `body` runs.
    func withStores(_ body: (HubStores) async throws -> Void) async throws {
        let logger = Logger(label: "contract")
        switch self {
        case .memory:
            try await body(.memory())
        case .sqlite, .cachedSQLite:
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-\(UUID().uuidString)/camhub.sqlite")
            try await HubStorage.withOpen(.sqlite(path: file.path), dataDirectory: file.deletingLastPathComponent(), logger: logger) { stores in
                guard self == .cachedSQLite else { return try await body(stores) }
                try await body(
                    HubStores(
                        cameras: CachedCameraRepository(backing: stores.cameras), commands: stores.commands, analyses: stores.analyses,
                        records: stores.records, blobs: stores.blobs, webSessions: stores.webSessions, events: stores.events, isShared: false,
                        description: stores.description
                    )
                )
            }
        case .postgres:
            let url = try #require(Self.postgresURL)
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let location = try DatabaseLocation(parsing: url + (url.contains("?") ? "&" : "?") + "schema=\(schema)")
            try await HubStorage.withOpen(location, dataDirectory: FileManager.default.temporaryDirectory, logger: logger, body)
        }
    }
}
