public import Foundation
public import GRDB

/// The hub's SQLite database: one file in the data dir, in WAL mode, migrated at open.
///
/// GRDB's `DatabasePool` gives concurrent readers beside one writer, and every write runs in a
/// transaction, so a crash never leaves half a change behind.
public final class HubDatabase: Sendable {
    public let pool: DatabasePool

    /// Opens (creating if needed) the database at `url` and runs pending migrations.
    public init(url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        pool = try DatabasePool(path: url.path, configuration: configuration)
        try HubMigrations.migrator.migrate(pool)
    }

    /// The journal mode SQLite reports; "wal" once open.
    public func journalMode() throws -> String {
        try pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Names of the migrations applied so far, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { try HubMigrations.migrator.appliedMigrations($0) }
    }
}
