public import CamHubCore
public import Foundation
import PostgresNIO

/// Camera events (motion) in PostgreSQL; zones and boxes are JSONB.
public struct PostgresEventRepository: EventRepository {
    private let database: PostgresDatabase
    static let columns = #"id, camera_id, kind, start, "end", zones::text, boxes::text, peak_area, caption, snapshot, clip, unfinished"#

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func add(_ event: CameraEvent) async throws {
        let (zones, boxes) = (try JSONColumn.encode(event.zones), try JSONColumn.encode(event.boxes))
        do {
            try await database.execute("""
                INSERT INTO events (id, camera_id, kind, start, "end", zones, boxes, peak_area, caption, snapshot, clip, unfinished)
                VALUES (\(event.id), \(event.cameraID), \(event.kind), \(event.start.timeIntervalSince1970), \(event.end?.timeIntervalSince1970),
                    \(zones)::jsonb, \(boxes)::jsonb, \(event.peakArea), \(event.caption), \(event.snapshot), \(event.clip), \(event.unfinished))
                """)
        } catch where PostgresDatabase.sqlState(error) == "23505" {
            throw CamHubError.conflict("an event with that id already exists")
        }
    }

    public func update(_ event: CameraEvent) async throws {
        let (zones, boxes) = (try JSONColumn.encode(event.zones), try JSONColumn.encode(event.boxes))
        let rows = try await database.rows("""
            UPDATE events SET camera_id = \(event.cameraID), kind = \(event.kind), start = \(event.start.timeIntervalSince1970),
                "end" = \(event.end?.timeIntervalSince1970), zones = \(zones)::jsonb, boxes = \(boxes)::jsonb, peak_area = \(event.peakArea),
                caption = \(event.caption), snapshot = \(event.snapshot), clip = \(event.clip), unfinished = \(event.unfinished)
            WHERE id = \(event.id) RETURNING id
            """)
        guard !rows.isEmpty else { throw CamHubError.notFound("event '\(event.id)' not found") }
    }

    public func event(id: String) async throws -> CameraEvent? {
        try await database.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM events WHERE id = $1", binds: Self.binds([id]))).first.map(Self.event)
    }

    public func events(_ query: EventQuery) async throws -> [CameraEvent] {
        var (filter, binds) = Self.filter(query)
        binds.append(query.limit)
        binds.append(query.offset)
        let sql = "SELECT \(Self.columns) FROM events \(filter) ORDER BY start DESC, id DESC LIMIT $\(binds.count - 1) OFFSET $\(binds.count)"
        return try await database.rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map(Self.event)
    }

    public func count(_ query: EventQuery) async throws -> Int {
        let (filter, binds) = Self.filter(query)
        let rows = try await database.rows(PostgresQuery(unsafeSQL: "SELECT count(*) FROM events \(filter)", binds: binds))
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    public func markUnfinished() async throws -> [CameraEvent] {
        try await database.rows(PostgresQuery(
            unsafeSQL: #"UPDATE events SET unfinished = true WHERE "end" IS NULL AND NOT unfinished RETURNING "# + Self.columns
        )).map(Self.event).sorted { $0.start < $1.start }
    }

    public func remove(startedBefore date: Date, limit: Int) async throws -> [CameraEvent] {
        var binds = PostgresBindings()
        binds.append(date.timeIntervalSince1970)
        binds.append(limit)
        return try await database.rows(PostgresQuery(
            unsafeSQL: "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE start < $1 ORDER BY start, id LIMIT $2) RETURNING " + Self.columns,
            binds: binds
        )).map(Self.event).sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    private static func binds(_ values: [String]) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }

    private static func filter(_ query: EventQuery) -> (String, PostgresBindings) {
        var clauses: [String] = []
        var binds = PostgresBindings()
        if let camera = query.cameraID { binds.append(camera); clauses.append("camera_id = $\(binds.count)") }
        if let kind = query.kind { binds.append(kind); clauses.append("kind = $\(binds.count)") }
        if let zone = query.zone { binds.append(zone); clauses.append("zones ? $\(binds.count)") }
        if let since = query.since { binds.append(since.timeIntervalSince1970); clauses.append("start >= $\(binds.count)") }
        if let until = query.until { binds.append(until.timeIntervalSince1970); clauses.append("start <= $\(binds.count)") }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), binds)
    }

    private static func event(_ row: PostgresRow) throws -> CameraEvent {
        let (id, camera, kind, start, end, zones, boxes, peak, caption, snapshot, clip, unfinished) =
            try row.decode((String, String, String, Double, Double?, String, String, Double, String?, String?, String?, Bool).self)
        return CameraEvent(
            id: id, cameraID: camera, kind: kind, start: Date(timeIntervalSince1970: start), end: end.map(Date.init(timeIntervalSince1970:)),
            zones: try JSONColumn.decode([String].self, zones), boxes: try JSONColumn.decode([EventBox].self, boxes), peakArea: peak,
            caption: caption, snapshot: snapshot, clip: clip, unfinished: unfinished
        )
    }
}
