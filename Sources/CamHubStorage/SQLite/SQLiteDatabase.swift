import CamHubCore
public import Foundation
public import GRDB
import GRDBSQLite
import Synchronization

/// The hub's SQLite database: one file in the data dir, in WAL mode, migrated at open.
///
/// GRDB's `DatabasePool` gives concurrent readers beside one writer, and every write runs in a
/// transaction, so a crash never leaves half a change behind.
///
/// **A full disk.** A write that finds the disk full is refused as `insufficient_storage` and
/// rolled back; the next one succeeds once there is space. The WAL and its shared-memory file are
/// kept when the hub stops (`SQLITE_FCNTL_PERSIST_WAL`), so a restart needs no new disk space.
/// Should the database still not open for a full disk (its `-shm` file missing, say), it is opened
/// read-only: the hub serves, stores are refused, and the first write once there is room opens it
/// for writing again.
public final class SQLiteDatabase: Sendable {
    private struct Connection {
        var writer: any DatabaseWriter
        var readOnly: Bool
        var lastReopen: ContinuousClock.Instant
    }

    public let url: URL
    private let connection: Mutex<Connection>
    private let notice: @Sendable (String) -> Void

    /// Opens (creating if needed) the database at `url` and runs pending migrations. `notice`
    /// hears when the database is read-only for a full disk, and when it is writable again.
    public init(url: URL, notice: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.url = url
        self.notice = notice
        try PrivateFile.createDirectory(at: url.deletingLastPathComponent())
        do {
            connection = Mutex(Connection(writer: try Self.openWritable(url), readOnly: false, lastReopen: .now))
        } catch where Self.isFull(error, at: url) {
            let reader = try Self.openReadOnly(url)
            guard try reader.read({ try SQLiteMigrations.migrator.hasCompletedMigrations($0) }) else {
                throw CamHubError.insufficientStorage("the disk is full and the database needs migrating: free some space and start again")
            }
            connection = Mutex(Connection(writer: reader, readOnly: true, lastReopen: .now))
            notice("the disk is full: the database is open read-only; stores are refused (507) until there is space")
        }
    }

    /// True while the database is open read-only for a full disk.
    public var isReadOnly: Bool { connection.withLock { $0.readOnly } }

    /// A write transaction. A full disk is reported as `insufficient_storage`: the transaction
    /// was rolled back, and the next write succeeds once there is space again.
    public func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writableConnection().write(updates)
        } catch {
            throw Self.classify(error)
        }
    }

    public func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await connection.withLock { $0.writer }.read(value)
        } catch {
            throw Self.classify(error)
        }
    }

    /// Copies the WAL into the database file and empties it (the file itself stays, see above), so
    /// the next start has nothing to replay. Called at shutdown; a failure (a full disk) only means
    /// the WAL is replayed at the next start.
    public func checkpoint() async {
        guard let pool = connection.withLock({ $0.readOnly ? nil : $0.writer }) else { return }
        _ = try? await pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
    }

    /// The journal mode SQLite reports; "wal" once open.
    public func journalMode() async throws -> String {
        try await read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Names of the migrations applied so far, in order.
    public func appliedMigrations() async throws -> [String] {
        try await read { try SQLiteMigrations.migrator.appliedMigrations($0) }
    }

    // MARK: Opening

    private static func configuration(readOnly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.readonly = readOnly
        if !readOnly {
            configuration.prepareDatabase { db in
                // Keep the WAL and -shm files when the last connection closes.
                var persist: Int32 = 1
                _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
            }
        }
        return configuration
    }

    private static func openWritable(_ url: URL) throws -> DatabasePool {
        let pool = try DatabasePool(path: url.path, configuration: configuration(readOnly: false))
        try SQLiteMigrations.migrator.migrate(pool)
        return pool
    }

    /// Read-only and `immutable`, which needs no `-shm` file and so no disk space.
    private static func openReadOnly(_ url: URL) throws -> DatabaseQueue {
        var components = URLComponents()
        components.scheme = "file"
        components.path = url.path
        components.queryItems = [URLQueryItem(name: "mode", value: "ro"), URLQueryItem(name: "immutable", value: "1")]
        return try DatabaseQueue(path: components.string ?? url.path, configuration: configuration(readOnly: true))
    }

    /// The writer; while read-only, it is opened for writing again first (at most once a second).
    private func writableConnection() throws -> any DatabaseWriter {
        enum Next {
            case use(any DatabaseWriter)
            case refuse
            case reopen
        }
        let next = connection.withLock { state -> Next in
            if !state.readOnly { return .use(state.writer) }
            guard ContinuousClock.now - state.lastReopen > .seconds(1) else { return .refuse }
            state.lastReopen = .now
            return .reopen
        }
        switch next {
        case .use(let writer):
            return writer
        case .refuse:
            throw CamHubError.insufficientStorage(OutOfSpace.message)
        case .reopen:
            guard let reopened = try? Self.openWritable(url) else { throw CamHubError.insufficientStorage(OutOfSpace.message) }
            connection.withLock { $0 = Connection(writer: reopened, readOnly: false, lastReopen: .now) }
            notice("there is space again: the database is writable")
            return reopened
        }
    }

    // MARK: Errors

    /// SQLite's "database or disk is full" (and a journal or shared-memory file that could not
    /// grow) as camhub's `insufficient_storage`.
    static func classify(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return OutOfSpace.classify(error) }
        if error.resultCode == .SQLITE_FULL || error.extendedResultCode == .SQLITE_IOERR_SHMSIZE {
            return CamHubError.insufficientStorage(OutOfSpace.message)
        }
        // SQLite rolled the transaction back; the next one works once the disk does.
        return error.resultCode == .SQLITE_IOERR ? CamHubError(.diskError, DiskFault.message) : error
    }

    /// An open that failed because the disk is full: SQLite says so, or says "I/O error" on a
    /// filesystem with (almost) no room left.
    private static func isFull(_ error: any Error, at url: URL) -> Bool {
        if OutOfSpace.matches(classify(error)) { return true }
        guard (error as? DatabaseError)?.resultCode == .SQLITE_IOERR else { return false }
        return (DiskSpace.available(at: url.deletingLastPathComponent()) ?? .max) < 1024 * 1024
    }
}
