public import CamHubCore
import Foundation
import PostgresNIO

/// The camera registry in PostgreSQL. `update` locks the row (`SELECT ... FOR UPDATE`), so two
/// hubs changing one camera at once never lose either change.
public struct PostgresCameraRepository: CameraRepository {
    private let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    static let columns = """
        id, name, location, kind, source, state, capabilities, metadata, created_at, last_seen_at, settings,
        reported_frame_count, last_error, key_hash, sealed_credentials
        """

    public func create(_ camera: Camera) async throws {
        do {
            try await database.execute(try Self.insert(camera, replacing: false))
        } catch where PostgresDatabase.sqlState(error) == "23505" {
            throw CamHubError.conflict("camera '\(camera.id)' already exists")
        }
    }

    public func upsert(_ camera: Camera) async throws {
        try await database.execute(try Self.insert(camera, replacing: true))
    }

    public func camera(id: CameraID) async throws -> Camera? {
        try await database.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM cameras WHERE id = $1", binds: Self.binds(id)))
            .first.map(Self.camera(from:))
    }

    public func list() async throws -> [Camera] {
        try await database.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM cameras ORDER BY id")).map(Self.camera(from:))
    }

    @discardableResult
    public func delete(id: CameraID) async throws -> Bool {
        !(try await database.rows("DELETE FROM cameras WHERE id = \(id) RETURNING id").isEmpty)
    }

    @discardableResult
    public func update(id: CameraID, _ change: @Sendable (inout Camera) throws -> Void) async throws -> Camera {
        // The transaction ends before this call returns, so `change` never outlives it.
        try await withoutActuallyEscaping(change) { change in
            try await database.transaction { [database] connection in
                let query = PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM cameras WHERE id = $1 FOR UPDATE", binds: Self.binds(id))
                var found: Camera?
                for try await row in try await connection.query(query, logger: database.logger) { found = try Self.camera(from: row) }
                guard var camera = found else { throw CamHubError.notFound("camera '\(id)' not found") }
                try change(&camera)
                camera.id = id
                _ = try await connection.query(try Self.insert(camera, replacing: true), logger: database.logger)
                return camera
            }
        }
    }

    private static func binds(_ values: String...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        return bindings
    }

    /// An insert; with `replacing`, an existing row is updated in place (never deleted, which would
    /// take the camera's commands with it).
    private static func insert(_ camera: Camera, replacing: Bool) throws -> PostgresQuery {
        var query: PostgresQuery = """
            INSERT INTO cameras (id, name, location, kind, source, state, capabilities, metadata, created_at, last_seen_at, settings,
                reported_frame_count, last_error, key_hash, sealed_credentials)
            VALUES (\(camera.id), \(camera.name), \(camera.location), \(camera.kind.rawValue), \(camera.source), \(camera.state.rawValue),
                \(try JSONColumn.encode(camera.capabilities)), \(try JSONColumn.encode(camera.metadata)),
                \(camera.createdAt.timeIntervalSince1970), \(camera.lastSeenAt?.timeIntervalSince1970), \(try JSONColumn.encode(camera.settings)),
                \(Int64(camera.reportedFrameCount)), \(camera.lastError), \(camera.keyHash), \(camera.sealedCredentials))
            """
        if replacing {
            query.sql += """

                ON CONFLICT (id) DO UPDATE SET name = excluded.name, location = excluded.location, kind = excluded.kind,
                    source = excluded.source, state = excluded.state, capabilities = excluded.capabilities, metadata = excluded.metadata,
                    created_at = excluded.created_at, last_seen_at = excluded.last_seen_at, settings = excluded.settings,
                    reported_frame_count = excluded.reported_frame_count, last_error = excluded.last_error,
                    key_hash = excluded.key_hash, sealed_credentials = excluded.sealed_credentials
                """
        }
        return query
    }

    private static func camera(from row: PostgresRow) throws -> Camera {
        let (id, name, location, kind, source, state, capabilities, metadata, createdAt, lastSeenAt, settings, frames, lastError, keyHash, sealed) =
            try row.decode(
                (String, String, String, String, String, String, String, String, Double, Double?, String, Int64, String?, String?, String?).self
            )
        return Camera(
            id: id, name: name, location: location, kind: CameraKind(rawValue: kind) ?? .local, source: source,
            state: CameraState(rawValue: state) ?? .error,
            capabilities: try JSONColumn.decode([String].self, capabilities),
            metadata: try JSONColumn.decode([String: String].self, metadata),
            createdAt: Date(timeIntervalSince1970: createdAt), lastSeenAt: lastSeenAt.map(Date.init(timeIntervalSince1970:)),
            settings: try JSONColumn.decode(CameraSettings.self, settings), reportedFrameCount: Int(frames),
            lastError: lastError, keyHash: keyHash, sealedCredentials: sealed
        )
    }
}
