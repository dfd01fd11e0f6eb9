public import CamHubCore
public import Foundation
import GRDB

/// The web app's sessions in SQLite: they outlive a restart.
public struct SQLiteWebSessionRepository: WebSessionRepository {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func create(hash: String, expiresAt: Date) async throws {
        try await database.write { db in
            try db.execute(sql: "INSERT INTO web_sessions (hash, expires_at) VALUES (?, ?)", arguments: [hash, expiresAt.timeIntervalSince1970])
        }
    }

    public func expiry(ofHash hash: String, now: Date) async throws -> Date? {
        try await database.read { db in
            try Double.fetchOne(
                db, sql: "SELECT expires_at FROM web_sessions WHERE hash = ? AND expires_at > ?", arguments: [hash, now.timeIntervalSince1970]
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    public func end(hash: String) async throws {
        try await database.write { db in try db.execute(sql: "DELETE FROM web_sessions WHERE hash = ?", arguments: [hash]) }
    }

    public func purge(expiredBefore now: Date) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM web_sessions WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
        }
    }
}
