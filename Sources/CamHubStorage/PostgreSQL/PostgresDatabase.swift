public import CamHubCore
import Foundation
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import PostgresNIO

/// The hub's PostgreSQL database, shared by every hub that names it: a connection pool
/// (postgres-nio's `PostgresClient`), migrated once at open under an advisory lock.
///
/// `open` connects once first, so a bad URL, an unreachable server or wrong credentials stop the
/// hub at start with one clear line. While running, the pool reconnects on its own; a query that
/// finds the server gone is answered `database_unavailable` (503), and the hub keeps serving what
/// needs no database (live video).
public final class PostgresDatabase: Sendable {
    public let address: PostgresAddress
    let client: PostgresClient
    let logger: Logger
    /// What the hubs sharing this database tell each other (`LISTEN/NOTIFY`).
    let notices: PostgresNotices

    private init(address: PostgresAddress, client: PostgresClient, logger: Logger) {
        self.address = address
        self.client = client
        self.logger = logger
        notices = PostgresNotices(schema: address.schema)
    }

    /// Connects, migrates, and returns the pool; `run()` must then run for queries to be served.
    public static func open(_ address: PostgresAddress, logger: Logger) async throws -> PostgresDatabase {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try connectionConfiguration(address), id: 0, logger: logger)
        } catch {
            throw CamHubError(.databaseUnavailable, "could not connect to \(address.host):\(address.port): \(explain(error))")
        }
        do {
            try await PostgresMigrations.migrate(connection, schema: address.schema, logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw CamHubError(.databaseUnavailable, "could not migrate \(address): \(explain(error))")
        }
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password, database: address.database,
            tls: tls(address.sslMode)
        )
        configuration.options.additionalStartupParameters = [("search_path", address.schema)]
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 16
        return PostgresDatabase(address: address, client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
    }

    /// Runs the pool and the notice listener; they stop when the calling task is cancelled.
    func run() async {
        let configuration = try? Self.connectionConfiguration(address)
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            if let configuration {
                group.addTask { await self.notices.run(configuration: configuration, logger: self.logger) }
            }
        }
    }

    // MARK: Queries

    /// Runs a query and collects its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await withConnection { connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.query(query, logger: self.logger) { rows.append(row) }
            return rows
        }
    }

    func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            _ = try await connection.query("BEGIN", logger: self.logger)
            do {
                let result = try await body(connection)
                _ = try await connection.query("COMMIT", logger: self.logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    /// How long a request waits for a connection before it is answered `database_unavailable`:
    /// while the server is away the pool has none to give, and nobody should wait for it.
    static let leaseTimeout: Duration = .seconds(2)

    /// Leases a connection for `body`, waiting at most `leaseTimeout` for one; lost connections
    /// and an unreachable server come out as `database_unavailable`.
    private func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let leased = LeaseFlag()
        let outcome: T?
        do {
            outcome = try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await self.client.withConnection { connection in
                        leased.set()
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: Self.leaseTimeout)
                    // Leased in time: the query takes as long as it takes.
                    while leased.isSet { try await Task.sleep(for: .seconds(3600)) }
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
        } catch let error as PSQLError {
            throw classify(error)
        }
        guard let outcome else {
            throw CamHubError(.databaseUnavailable, "the database at \(address) did not give a connection within 2 s")
        }
        return outcome
    }

    /// Lost connections and an unreachable server as `database_unavailable`; other errors as they are.
    private func classify(_ error: PSQLError) -> any Error {
        let lost: Bool = switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed: true
        // 57P: the server is shutting down or restarting; 08: a connection exception.
        case .server: ["57P", "08"].contains { Self.sqlState(error)?.hasPrefix($0) == true }
        default: false
        }
        return lost ? CamHubError(.databaseUnavailable, "the database at \(address) is unavailable: \(Self.explain(error))") : error
    }

    /// The SQLSTATE of a server error, such as `23505` for a unique violation.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    // MARK: Connecting

    static func connectionConfiguration(_ address: PostgresAddress) throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password, database: address.database,
            tls: try connectionTLS(address.sslMode)
        )
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    private static func tlsConfiguration(_ mode: PostgresAddress.SSLMode) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .verifyFull: break
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        default: tls.certificateVerification = .none
        }
        return tls
    }

    private static func tls(_ mode: PostgresAddress.SSLMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .allow, .prefer: .prefer(tlsConfiguration(mode))
        case .require, .verifyCA, .verifyFull: .require(tlsConfiguration(mode))
        }
    }

    private static func connectionTLS(_ mode: PostgresAddress.SSLMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .allow, .prefer: .prefer(try NIOSSLContext(configuration: tlsConfiguration(mode)))
        case .require, .verifyCA, .verifyFull: .require(try NIOSSLContext(configuration: tlsConfiguration(mode)))
        }
    }

    /// What went wrong, in words a person can act on, never with the password.
    static func explain(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let refused = error.underlying as? NIOConnectionError, let attempt = refused.connectionErrors.last {
            if let io = attempt.error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
            return "\(attempt.error)"
        }
        if let io = error.underlying as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }
}

/// Whether a request has its connection yet.
private final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

extension CamHubError.Code {
    /// The database cannot be reached (503): live video goes on, stores and reads are refused.
    public static let databaseUnavailable = CamHubError.Code(rawValue: "database_unavailable")
}
