public import CamHubCore
import Foundation
import GRDB

/// The camera registry in SQLite.
public struct SQLiteCameraRepository: CameraRepository {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func create(_ camera: Camera) async throws {
        do {
            try await database.write { db in try Self.insert(camera, into: db, replacing: false) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw CamHubError.conflict("camera '\(camera.id)' already exists")
        }
    }

    public func upsert(_ camera: Camera) async throws {
        try await database.write { db in try Self.insert(camera, into: db, replacing: true) }
    }

    public func camera(id: CameraID) async throws -> Camera? {
        try await database.read { db in try Self.fetch(id, from: db) }
    }

    public func list() async throws -> [Camera] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM cameras ORDER BY id").map(Self.camera(from:))
        }
    }

    @discardableResult
    public func delete(id: CameraID) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM cameras WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    @discardableResult
    public func update(id: CameraID, _ change: @Sendable (inout Camera) throws -> Void) async throws -> Camera {
        try await database.write { db in
            guard var camera = try Self.fetch(id, from: db) else {
                throw CamHubError.notFound("camera '\(id)' not found")
            }
            try change(&camera)
            camera.id = id
            try Self.insert(camera, into: db, replacing: true)
            return camera
        }
    }

    private static func fetch(_ id: CameraID, from db: Database) throws -> Camera? {
        try Row.fetchOne(db, sql: "SELECT * FROM cameras WHERE id = ?", arguments: [id]).map(camera(from:))
    }

    /// Inserts a camera; with `replacing`, an existing row is updated in place. (Never `INSERT OR
    /// REPLACE`: that deletes the old row first, and the delete cascades to the camera's commands.)
    private static func insert(_ camera: Camera, into db: Database, replacing: Bool) throws {
        let upsert = replacing
            ? """
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, location = excluded.location, kind = excluded.kind,
                    source = excluded.source, state = excluded.state, capabilities = excluded.capabilities,
                    metadata = excluded.metadata, created_at = excluded.created_at, last_seen_at = excluded.last_seen_at,
                    settings = excluded.settings, reported_frame_count = excluded.reported_frame_count,
                    last_error = excluded.last_error, key_hash = excluded.key_hash, sealed_credentials = excluded.sealed_credentials
                """
            : ""
        try db.execute(
            sql: """
                INSERT INTO cameras (id, name, location, kind, source, state, capabilities, metadata, created_at,
                    last_seen_at, settings, reported_frame_count, last_error, key_hash, sealed_credentials)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                \(upsert)
                """,
            arguments: [
                camera.id, camera.name, camera.location, camera.kind.rawValue, camera.source, camera.state.rawValue,
                try JSONColumn.encode(camera.capabilities), try JSONColumn.encode(camera.metadata),
                camera.createdAt.timeIntervalSince1970, camera.lastSeenAt?.timeIntervalSince1970,
                try JSONColumn.encode(camera.settings), camera.reportedFrameCount, camera.lastError,
                camera.keyHash, camera.sealedCredentials,
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
            capabilities: try JSONColumn.decode([String].self, row["capabilities"]),
            metadata: try JSONColumn.decode([String: String].self, row["metadata"]),
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            lastSeenAt: (row["last_seen_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            settings: try JSONColumn.decode(CameraSettings.self, row["settings"]),
            reportedFrameCount: row["reported_frame_count"],
            lastError: row["last_error"],
            keyHash: row["key_hash"],
            sealedCredentials: row["sealed_credentials"]
        )
    }
}
