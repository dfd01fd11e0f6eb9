public import CamHubCore
public import Foundation
import PostgresNIO

/// The webhook outbox in PostgreSQL, shared by the site's hubs: a claim takes rows no other hub
/// is taking (`FOR UPDATE SKIP LOCKED`), so each delivery is attempted by one hub at a time.
public struct PostgresWebhookRepository: WebhookRepository {
    private let database: PostgresDatabase
    static let columns = "id, url, type, body, created_at, state, attempts, next_attempt_at, last_status, last_error, delivered_at"

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func enqueue(_ deliveries: [WebhookDelivery]) async throws {
        for delivery in deliveries {
            try await database.execute("""
                INSERT INTO webhook_deliveries (id, url, type, body, created_at, state, attempts, next_attempt_at, last_status, last_error, delivered_at)
                VALUES (\(delivery.id), \(delivery.url), \(delivery.type), \(delivery.body), \(delivery.createdAt.timeIntervalSince1970),
                    \(delivery.state.rawValue), \(delivery.attempts), \(delivery.nextAttemptAt.timeIntervalSince1970), \(delivery.lastStatus),
                    \(delivery.lastError), \(delivery.deliveredAt?.timeIntervalSince1970))
                ON CONFLICT (id) DO NOTHING
                """)
        }
    }

    public func claim(dueBy now: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookDelivery] {
        var binds = PostgresBindings()
        binds.append(now.timeIntervalSince1970 + lease)
        binds.append(now.timeIntervalSince1970)
        binds.append(limit)
        return try await database.rows(PostgresQuery(
            unsafeSQL: """
                UPDATE webhook_deliveries SET next_attempt_at = $1
                WHERE id IN (
                    SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= $2
                    ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
                )
                RETURNING \(Self.columns)
                """,
            binds: binds
        )).map(Self.delivery).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func record(_ delivery: WebhookDelivery) async throws {
        let rows = try await database.rows("""
            UPDATE webhook_deliveries SET state = \(delivery.state.rawValue), attempts = \(delivery.attempts),
                next_attempt_at = \(delivery.nextAttemptAt.timeIntervalSince1970), last_status = \(delivery.lastStatus),
                last_error = \(delivery.lastError), delivered_at = \(delivery.deliveredAt?.timeIntervalSince1970)
            WHERE id = \(delivery.id) RETURNING id
            """)
        guard !rows.isEmpty else { throw CamHubError.notFound("delivery '\(delivery.id)' not found") }
    }

    public func deliveries(_ query: WebhookQuery) async throws -> [WebhookDelivery] {
        var (filter, binds) = Self.filter(query)
        binds.append(query.limit)
        binds.append(query.offset)
        let sql = "SELECT \(Self.columns) FROM webhook_deliveries \(filter) ORDER BY created_at DESC, id DESC LIMIT $\(binds.count - 1) OFFSET $\(binds.count)"
        return try await database.rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map(Self.delivery)
    }

    public func count(_ query: WebhookQuery) async throws -> Int {
        let (filter, binds) = Self.filter(query)
        let rows = try await database.rows(PostgresQuery(unsafeSQL: "SELECT count(*) FROM webhook_deliveries \(filter)", binds: binds))
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    public func remove(finishedBefore date: Date) async throws -> Int {
        try await database.rows(
            "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < \(date.timeIntervalSince1970) RETURNING id"
        ).count
    }

    private static func filter(_ query: WebhookQuery) -> (String, PostgresBindings) {
        var clauses: [String] = []
        var binds = PostgresBindings()
        if let state = query.state { binds.append(state.rawValue); clauses.append("state = $\(binds.count)") }
        if let type = query.type { binds.append(type); clauses.append("type = $\(binds.count)") }
        if let url = query.url { binds.append(url); clauses.append("url = $\(binds.count)") }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), binds)
    }

    private static func delivery(_ row: PostgresRow) throws -> WebhookDelivery {
        let (id, url, type, body, created, state, attempts, next, status, error, delivered) =
            try row.decode((String, String, String, String, Double, String, Int, Double, Int?, String?, Double?).self)
        return WebhookDelivery(
            id: id, url: url, type: type, body: body, createdAt: Date(timeIntervalSince1970: created), state: WebhookDelivery.State(rawValue: state) ?? .failed,
            attempts: attempts, nextAttemptAt: Date(timeIntervalSince1970: next), lastStatus: status, lastError: error,
            deliveredAt: delivered.map(Date.init(timeIntervalSince1970:))
        )
    }
}
