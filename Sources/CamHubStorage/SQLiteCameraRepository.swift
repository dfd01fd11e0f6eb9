public import CamHubCore
public import Foundation
import GRDB

/// The camera registry in SQLite.
public struct SQLiteCameraRepository: CameraRepository {
    private let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func create(_ camera: Camera) async throws {
        do {
            try await database.pool.write { db in try Self.insert(camera, into: db, replacing: false) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw CamHubError.conflict("camera '\(camera.id)' already exists")
        }
    }

    public func upsert(_ camera: Camera) async throws {
        try await database.pool.write { db in try Self.insert(camera, into: db, replacing: true) }
    }

    public func camera(id: CameraID) async throws -> Camera? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM cameras WHERE id = ?", arguments: [id]).map(Self.camera(from:))
        }
    }

    public func list() async throws -> [Camera] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM cameras ORDER BY id").map(Self.camera(from:))
        }
    }

    @discardableResult
    public func delete(id: CameraID) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM cameras WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func updateState(id: CameraID, state: CameraState, lastSeenAt: Date?) async throws {
        let changed = try await database.pool.write { db in
            try db.execute(
                sql: "UPDATE cameras SET state = ?, last_seen_at = COALESCE(?, last_seen_at) WHERE id = ?",
                arguments: [state.rawValue, lastSeenAt?.timeIntervalSince1970, id]
            )
            return db.changesCount
        }
        if changed == 0 { throw CamHubError.notFound("camera '\(id)' not found") }
    }

    private static func insert(_ camera: Camera, into db: Database, replacing: Bool) throws {
        let verb = replacing ? "INSERT OR REPLACE" : "INSERT"
        try db.execute(
            sql: """
                \(verb) INTO cameras (id, name, location, kind, source, state, capabilities, metadata, created_at, last_seen_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                camera.id, camera.name, camera.location, camera.kind.rawValue, camera.source, camera.state.rawValue,
                try json(camera.capabilities), try json(camera.metadata),
                camera.createdAt.timeIntervalSince1970, camera.lastSeenAt?.timeIntervalSince1970,
            ]
        )
    }

    private static func camera(from row: Row) throws -> Camera {
        Camera(
            id: row["id"],
            name: row["name"],
            location: row["location"],
            kind: CameraKind(rawValue: row["kind"]) ?? .local,
            source: row["source"],
            state: CameraState(rawValue: row["state"]) ?? .error,
            capabilities: try decode([String].self, row["capabilities"]),
            metadata: try decode([String: String].self, row["metadata"]),
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            lastSeenAt: (row["last_seen_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
