public import CamHubCore
import Foundation
import PostgresNIO

/// The camera registry in PostgreSQL, read through a cache that the registry's change notices
/// keep correct (`PostgresCameraCache`), so a heartbeat or an upload costs no read.
///
/// Every row has a `version`, a new one from one sequence at each write (a trigger sets it). `update` changes the
/// camera it has (cached or read) and writes it only if the row still has that version
/// (`UPDATE ... WHERE version = ...`): one round trip. Two hubs changing one camera at once never
/// lose either change: the one that finds the row changed does it again under a row lock.
public struct PostgresCameraRepository: CameraRepository {
    private let database: PostgresDatabase
    private let cache: PostgresCameraCache

    public init(database: PostgresDatabase) {
        self.database = database
        cache = PostgresCameraCache(notices: database.notices)
    }

    static let columns = """
        id, name, location, kind, source, state, capabilities, metadata, created_at, last_seen_at, settings,
        reported_frame_count, last_error, key_hash, sealed_credentials, version
        """

    public func create(_ camera: Camera) async throws {
        do {
            try await write(Self.insert(camera, replacing: false), camera)
        } catch where PostgresDatabase.sqlState(error) == "23505" {
            throw CamHubError.conflict("camera '\(camera.id)' already exists")
        }
    }

    public func upsert(_ camera: Camera) async throws {
        try await write(Self.insert(camera, replacing: true), camera)
    }

    public func camera(id: CameraID) async throws -> Camera? {
        if let cached = cache.entry(id) { return cached.camera }
        return try await read(id)?.camera
    }

    public func list() async throws -> [Camera] {
        let epoch = cache.epoch
        return try await database.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM cameras ORDER BY id")).map { row in
            let entry = try Self.entry(from: row)
            cache.keep(entry, readIn: epoch)
            return entry.camera
        }
    }

    @discardableResult
    public func delete(id: CameraID) async throws -> Bool {
        defer { cache.forget(id) }
        return !(try await database.rows("DELETE FROM cameras WHERE id = \(id) RETURNING id").isEmpty)
    }

    @discardableResult
    public func update(id: CameraID, _ change: @Sendable (inout Camera) throws -> Void) async throws -> Camera {
        // The common case: the camera this hub has is the newest, and one statement writes it.
        if let base = try await cachedOrRead(id) {
            var camera = base.camera
            try change(&camera)
            camera.id = id
            let epoch = cache.epoch
            if let version = try await database.rows(try Self.replace(camera, ifVersion: base.version)).first?.decode(Int64.self) {
                cache.keep(.init(camera: camera, version: version), readIn: epoch)
                return camera
            }
            cache.forget(id)
        }
        // It changed meanwhile (or is gone): read it again under a row lock and write it then.
        let epoch = cache.epoch
        let written = try await withoutActuallyEscaping(change) { change in
            try await database.transaction { [database] connection -> PostgresCameraCache.Entry in
                let query = PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM cameras WHERE id = $1 FOR UPDATE", binds: Self.binds(id))
                var found: PostgresCameraCache.Entry?
                for try await row in try await connection.query(query, logger: database.logger) { found = try Self.entry(from: row) }
                guard let base = found else { throw CamHubError.notFound("camera '\(id)' not found") }
                var camera = base.camera
                try change(&camera)
                camera.id = id
                var version: Int64?
                for try await row in try await connection.query(try Self.replace(camera, ifVersion: base.version), logger: database.logger) {
                    version = try row.decode(Int64.self)
                }
                guard let version else { throw CamHubError(.storage, "camera '\(id)' changed under its row lock") }
                return PostgresCameraCache.Entry(camera: camera, version: version)
            }
        }
        cache.keep(written, readIn: epoch)
        return written.camera
    }

    private func cachedOrRead(_ id: CameraID) async throws -> PostgresCameraCache.Entry? {
        if let cached = cache.entry(id) { return cached }
        return try await read(id)
    }

    private func read(_ id: CameraID) async throws -> PostgresCameraCache.Entry? {
        let epoch = cache.epoch
        let query = PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM cameras WHERE id = $1", binds: Self.binds(id))
        guard let entry = try await database.rows(query).first.map(Self.entry(from:)) else { return nil }
        cache.keep(entry, readIn: epoch)
        return entry
    }

    private func write(_ query: PostgresQuery, _ camera: Camera) async throws {
        let epoch = cache.epoch
        guard let version = try await database.rows(query).first?.decode(Int64.self) else { return }
        cache.keep(.init(camera: camera, version: version), readIn: epoch)
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
        query.sql += " RETURNING version"
        return query
    }

    /// Writes every column of `camera` if its row still has `version`; returns the new version,
    /// or no row when the row changed or went.
    private static func replace(_ camera: Camera, ifVersion version: Int64) throws -> PostgresQuery {
        """
        UPDATE cameras SET name = \(camera.name), location = \(camera.location), kind = \(camera.kind.rawValue),
            source = \(camera.source), state = \(camera.state.rawValue), capabilities = \(try JSONColumn.encode(camera.capabilities)),
            metadata = \(try JSONColumn.encode(camera.metadata)), created_at = \(camera.createdAt.timeIntervalSince1970),
            last_seen_at = \(camera.lastSeenAt?.timeIntervalSince1970), settings = \(try JSONColumn.encode(camera.settings)),
            reported_frame_count = \(Int64(camera.reportedFrameCount)), last_error = \(camera.lastError), key_hash = \(camera.keyHash),
            sealed_credentials = \(camera.sealedCredentials)
        WHERE id = \(camera.id) AND version = \(version)
        RETURNING version
        """
    }

    private static func entry(from row: PostgresRow) throws -> PostgresCameraCache.Entry {
        let (id, name, location, kind, source, state, capabilities, metadata, createdAt, lastSeenAt, settings, frames, lastError, keyHash, sealed, version) =
            try row.decode(
                (String, String, String, String, String, String, String, String, Double, Double?, String, Int64, String?, String?, String?, Int64).self
            )
        let camera = Camera(
            id: id, name: name, location: location, kind: CameraKind(rawValue: kind) ?? .local, source: source,
            state: CameraState(rawValue: state) ?? .error,
            capabilities: try JSONColumn.decode([String].self, capabilities),
            metadata: try JSONColumn.decode([String: String].self, metadata),
            createdAt: Date(timeIntervalSince1970: createdAt), lastSeenAt: lastSeenAt.map(Date.init(timeIntervalSince1970:)),
            settings: try JSONColumn.decode(CameraSettings.self, settings), reportedFrameCount: Int(frames),
            lastError: lastError, keyHash: keyHash, sealedCredentials: sealed
        )
        return PostgresCameraCache.Entry(camera: camera, version: version)
    }
}
