public import CamHubCore
public import Foundation
import GRDB

/// Camera events (motion) in SQLite; zones and boxes are JSON text.
public struct SQLiteEventRepository: EventRepository {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func add(_ event: CameraEvent) async throws {
        let arguments = try Self.arguments(event)
        do {
            try await database.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO events (id, camera_id, kind, start, "end", zones, boxes, peak_area, caption, snapshot, clip, unfinished)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: arguments
                )
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw CamHubError.conflict("an event with that id already exists")
        }
    }

    public func update(_ event: CameraEvent) async throws {
        let arguments = try Self.arguments(event) + [event.id]
        let changed = try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE events SET id = ?, camera_id = ?, kind = ?, start = ?, "end" = ?, zones = ?, boxes = ?, peak_area = ?,
                        caption = ?, snapshot = ?, clip = ?, unfinished = ?
                    WHERE id = ?
                    """,
                arguments: arguments
            )
            return db.changesCount
        }
        guard changed > 0 else { throw CamHubError.notFound("event '\(event.id)' not found") }
    }

    public func event(id: String) async throws -> CameraEvent? {
        try await database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM events WHERE id = ?", arguments: [id]).map(Self.event) }
    }

    public func events(_ query: EventQuery) async throws -> [CameraEvent] {
        let (filter, arguments) = Self.filter(query)
        return try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM events \(filter) ORDER BY start DESC, id DESC LIMIT ? OFFSET ?",
                arguments: arguments + [query.limit, query.offset]
            ).map(Self.event)
        }
    }

    public func count(_ query: EventQuery) async throws -> Int {
        let (filter, arguments) = Self.filter(query)
        return try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events \(filter)", arguments: arguments) ?? 0 }
    }

    public func markUnfinished() async throws -> [CameraEvent] {
        try await database.write { db in
            let rows = try Row.fetchAll(db, sql: #"UPDATE events SET unfinished = 1 WHERE "end" IS NULL AND unfinished = 0 RETURNING *"#)
            return try rows.map(Self.event).sorted { $0.start < $1.start }
        }
    }

    public func remove(startedBefore date: Date, limit: Int) async throws -> [CameraEvent] {
        try await database.write { db in
            let rows = try Row.fetchAll(
                db, sql: "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE start < ? ORDER BY start, id LIMIT ?) RETURNING *",
                arguments: [date.timeIntervalSince1970, limit]
            )
            return try rows.map(Self.event).sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        }
    }

    private static func arguments(_ event: CameraEvent) throws -> StatementArguments {
        [
            event.id, event.cameraID, event.kind, event.start.timeIntervalSince1970, event.end?.timeIntervalSince1970,
            try JSONColumn.encode(event.zones), try JSONColumn.encode(event.boxes), event.peakArea, event.caption, event.snapshot,
            event.clip, event.unfinished,
        ]
    }

    private static func filter(_ query: EventQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let camera = query.cameraID { clauses.append("camera_id = ?"); arguments += [camera] }
        if let kind = query.kind { clauses.append("kind = ?"); arguments += [kind] }
        if let zone = query.zone { clauses.append("EXISTS (SELECT 1 FROM json_each(events.zones) WHERE value = ?)"); arguments += [zone] }
        if let since = query.since { clauses.append("start >= ?"); arguments += [since.timeIntervalSince1970] }
        if let until = query.until { clauses.append("start <= ?"); arguments += [until.timeIntervalSince1970] }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }

    private static func event(_ row: Row) throws -> CameraEvent {
        let end: Double? = row["end"]
        return CameraEvent(
            id: row["id"], cameraID: row["camera_id"], kind: row["kind"], start: Date(timeIntervalSince1970: row["start"]),
            end: end.map(Date.init(timeIntervalSince1970:)), zones: try JSONColumn.decode([String].self, row["zones"]),
            boxes: try JSONColumn.decode([EventBox].self, row["boxes"]), peakArea: row["peak_area"], caption: row["caption"],
            snapshot: row["snapshot"], clip: row["clip"], unfinished: row["unfinished"]
        )
    }
}
