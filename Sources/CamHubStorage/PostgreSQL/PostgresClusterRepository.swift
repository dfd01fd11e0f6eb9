public import CamHubCore
import Foundation
import PostgresNIO

/// The site's hubs and their camera leases in PostgreSQL. Liveness is decided by the database's
/// clock (`now()`), so hubs on machines whose clocks disagree still agree on who is alive.
public struct PostgresClusterRepository: ClusterRepository {
    private let database: PostgresDatabase
    /// Nodes not seen for this long are dropped from the list.
    static let forgetAfterSeconds = 24 * 3600

    public init(database: PostgresDatabase) {
        self.database = database
    }

    /// One statement: the node seen, its leases renewed with the liveness it reports (one array
    /// per column; a last frame of 0 is none), and nodes gone for a day forgotten.
    static let heartbeatStatement = """
        WITH seen AS (
            INSERT INTO cluster_nodes (id, address, version, started_at, last_seen, socket_sessions)
            VALUES ($1, $2, $3, $4, now(), $10)
            ON CONFLICT (id) DO UPDATE SET address = excluded.address, version = excluded.version, last_seen = now(),
                socket_sessions = excluded.socket_sessions
        ), reports AS (
            SELECT * FROM unnest($6::text[], $7::float8[], $8::float8[]) AS r(camera_id, last_frame_at, fps)
        ), renewed AS (
            UPDATE camera_leases l SET expires_at = now() + make_interval(secs => $5),
                last_frame_at = COALESCE(to_timestamp(NULLIF(r.last_frame_at, 0)), l.last_frame_at),
                fps = COALESCE(r.fps, l.fps)
            FROM camera_leases held LEFT JOIN reports r ON r.camera_id = held.camera_id
            WHERE held.node_id = $1 AND l.camera_id = held.camera_id
        )
        DELETE FROM cluster_nodes WHERE last_seen < now() - make_interval(secs => $9)
        """

    public func heartbeat(_ node: ClusterNode, leaseSeconds: Int, cameras: [CameraID: CameraLiveness]) async throws {
        let reports = cameras.sorted { $0.key < $1.key }
        var binds = PostgresBindings(capacity: 10)
        binds.append(node.id); binds.append(node.address); binds.append(node.version); binds.append(node.startedAt.timeIntervalSince1970)
        binds.append(Double(leaseSeconds))
        binds.append(reports.map(\.key))
        binds.append(reports.map { $0.value.lastFrameAt?.timeIntervalSince1970 ?? 0 })
        binds.append(reports.map(\.value.framesPerSecond))
        binds.append(Double(Self.forgetAfterSeconds))
        binds.append(Int32(clamping: node.socketSessions))
        try await database.execute(PostgresQuery(unsafeSQL: Self.heartbeatStatement, binds: binds))
    }

    public func nodes(leaseSeconds: Int) async throws -> [ClusterNode] {
        try await database.rows("""
            SELECT id, address, version, started_at, extract(epoch FROM last_seen)::float8,
                   last_seen >= now() - make_interval(secs => \(Double(leaseSeconds))), socket_sessions
            FROM cluster_nodes ORDER BY started_at DESC, id DESC
            """).map { row in
            let (id, address, version, started, seen, alive, sessions) = try row.decode((String, String, String, Double, Double, Bool, Int32).self)
            return ClusterNode(
                id: id, address: address, version: version, startedAt: Date(timeIntervalSince1970: started),
                lastSeen: Date(timeIntervalSince1970: seen), alive: alive, socketSessions: Int(sessions)
            )
        }
    }

    public func acquire(_ cameraID: CameraID, for nodeID: String, leaseSeconds: Int) async throws -> String {
        let taken = try await database.rows("""
            INSERT INTO camera_leases (camera_id, node_id, expires_at)
            VALUES (\(cameraID), \(nodeID), now() + make_interval(secs => \(Double(leaseSeconds))))
            ON CONFLICT (camera_id) DO UPDATE SET node_id = excluded.node_id, expires_at = excluded.expires_at
            WHERE camera_leases.node_id = excluded.node_id OR camera_leases.expires_at < now()
            RETURNING node_id
            """)
        if !taken.isEmpty { return nodeID }
        let holder = try await database.rows("SELECT node_id FROM camera_leases WHERE camera_id = \(cameraID)")
        return try holder.first?.decode(String.self) ?? nodeID
    }

    public func take(_ cameraID: CameraID, for nodeID: String, leaseSeconds: Int) async throws {
        try await database.execute("""
            INSERT INTO camera_leases (camera_id, node_id, expires_at)
            VALUES (\(cameraID), \(nodeID), now() + make_interval(secs => \(Double(leaseSeconds))))
            ON CONFLICT (camera_id) DO UPDATE SET node_id = excluded.node_id, expires_at = excluded.expires_at
            """)
    }

    public func release(_ cameraID: CameraID, from nodeID: String) async throws {
        try await database.execute("DELETE FROM camera_leases WHERE camera_id = \(cameraID) AND node_id = \(nodeID)")
    }

    public func leases() async throws -> [CameraLease] {
        try await database.rows("""
            SELECT camera_id, node_id, extract(epoch FROM expires_at)::float8, extract(epoch FROM last_frame_at)::float8, fps
            FROM camera_leases WHERE expires_at > now() ORDER BY camera_id
            """).map { row in
            let (camera, node, expires, lastFrame, fps) = try row.decode((String, String, Double, Double?, Double).self)
            return CameraLease(
                cameraID: camera, nodeID: node, expiresAt: Date(timeIntervalSince1970: expires),
                liveness: CameraLiveness(lastFrameAt: lastFrame.map(Date.init(timeIntervalSince1970:)), framesPerSecond: fps)
            )
        }
    }

    public func leave(_ nodeID: String) async throws {
        try await database.execute("""
            WITH released AS (DELETE FROM camera_leases WHERE node_id = \(nodeID))
            DELETE FROM cluster_nodes WHERE id = \(nodeID)
            """)
    }
}
