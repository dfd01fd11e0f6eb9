public import CamHubCore
public import Foundation
import PostgresNIO

/// The web app's sessions in PostgreSQL: a login through one hub is valid on every hub of the site.
public struct PostgresWebSessionRepository: WebSessionRepository {
    private let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func create(hash: String, expiresAt: Date) async throws {
        try await database.execute("INSERT INTO web_sessions (hash, expires_at) VALUES (\(hash), \(expiresAt))")
    }

    public func expiry(ofHash hash: String, now: Date) async throws -> Date? {
        try await database.rows("SELECT expires_at FROM web_sessions WHERE hash = \(hash) AND expires_at > \(now)").first?.decode(Date.self)
    }

    public func end(hash: String) async throws {
        try await database.execute("DELETE FROM web_sessions WHERE hash = \(hash)")
    }

    public func purge(expiredBefore now: Date) async throws {
        try await database.execute("DELETE FROM web_sessions WHERE expires_at <= \(now)")
    }
}
