public import CamHubCore
public import Foundation
import GRDB

/// The webhook outbox in SQLite.
public struct SQLiteWebhookRepository: WebhookRepository {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func enqueue(_ deliveries: [WebhookDelivery]) async throws {
        guard !deliveries.isEmpty else { return }
        try await database.write { db in
            for delivery in deliveries {
                try db.execute(
                    sql: """
                        INSERT INTO webhook_deliveries (id, url, type, body, created_at, state, attempts, next_attempt_at, last_status, last_error, delivered_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
                        """,
                    arguments: [
                        delivery.id, delivery.url, delivery.type, delivery.body, delivery.createdAt.timeIntervalSince1970, delivery.state.rawValue,
                        delivery.attempts, delivery.nextAttemptAt.timeIntervalSince1970, delivery.lastStatus, delivery.lastError,
                        delivery.deliveredAt?.timeIntervalSince1970,
                    ]
                )
            }
        }
    }

    public func claim(dueBy now: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookDelivery] {
        try await database.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    UPDATE webhook_deliveries SET next_attempt_at = ?
                    WHERE id IN (SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY created_at, id LIMIT ?)
                    RETURNING *
                    """,
                arguments: [now.timeIntervalSince1970 + lease, now.timeIntervalSince1970, limit]
            )
            return try rows.map(Self.delivery).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    public func record(_ delivery: WebhookDelivery) async throws {
        let changed = try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?, delivered_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    delivery.state.rawValue, delivery.attempts, delivery.nextAttemptAt.timeIntervalSince1970, delivery.lastStatus, delivery.lastError,
                    delivery.deliveredAt?.timeIntervalSince1970, delivery.id,
                ]
            )
            return db.changesCount
        }
        guard changed > 0 else { throw CamHubError.notFound("delivery '\(delivery.id)' not found") }
    }

    public func deliveries(_ query: WebhookQuery) async throws -> [WebhookDelivery] {
        let (filter, arguments) = Self.filter(query)
        return try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM webhook_deliveries \(filter) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                arguments: arguments + [query.limit, query.offset]
            ).map(Self.delivery)
        }
    }

    public func count(_ query: WebhookQuery) async throws -> Int {
        let (filter, arguments) = Self.filter(query)
        return try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM webhook_deliveries \(filter)", arguments: arguments) ?? 0 }
    }

    public func remove(finishedBefore date: Date) async throws -> Int {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < ?", arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    private static func filter(_ query: WebhookQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let state = query.state { clauses.append("state = ?"); arguments += [state.rawValue] }
        if let type = query.type { clauses.append("type = ?"); arguments += [type] }
        if let url = query.url { clauses.append("url = ?"); arguments += [url] }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }

    private static func delivery(_ row: Row) throws -> WebhookDelivery {
        let delivered: Double? = row["delivered_at"]
        let state: String = row["state"]
        return WebhookDelivery(
            id: row["id"], url: row["url"], type: row["type"], body: row["body"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            state: WebhookDelivery.State(rawValue: state) ?? .failed, attempts: row["attempts"],
            nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastStatus: row["last_status"], lastError: row["last_error"],
            deliveredAt: delivered.map(Date.init(timeIntervalSince1970:))
        )
    }
}
