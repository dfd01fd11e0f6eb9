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

    public func heartbeat(_ node: ClusterNode, leaseSeconds: Int) async throws {
        let lease = Double(leaseSeconds)
        try await database.execute("""
            WITH seen AS (
                INSERT INTO cluster_nodes (id, address, version, started_at, last_seen)
                VALUES (\(node.id), \(node.address), \(node.version), \(node.startedAt.timeIntervalSince1970), now())
                ON CONFLICT (id) DO UPDATE SET address = excluded.address, version = excluded.version, last_seen = now()
            ), renewed AS (
                UPDATE camera_leases SET expires_at = now() + make_interval(secs => \(lease)) WHERE node_id = \(node.id)
            )
            DELETE FROM cluster_nodes WHERE last_seen < now() - make_interval(secs => \(Double(Self.forgetAfterSeconds)))
            """)
    }

    public func nodes(leaseSeconds: Int) async throws -> [ClusterNode] {
        try await database.rows("""
            SELECT id, address, version, started_at, extract(epoch FROM last_seen)::float8,
                   last_seen >= now() - make_interval(secs => \(Double(leaseSeconds)))
            FROM cluster_nodes ORDER BY started_at DESC, id DESC
            """).map { row in
            let (id, address, version, started, seen, alive) = try row.decode((String, String, String, Double, Double, Bool).self)
            return ClusterNode(
                id: id, address: address, version: version, startedAt: Date(timeIntervalSince1970: started),
                lastSeen: Date(timeIntervalSince1970: seen), alive: alive
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
            SELECT camera_id, node_id, extract(epoch FROM expires_at)::float8 FROM camera_leases
            WHERE expires_at > now() ORDER BY camera_id
            """).map { row in
            let (camera, node, expires) = try row.decode((String, String, Double).self)
            return CameraLease(cameraID: camera, nodeID: node, expiresAt: Date(timeIntervalSince1970: expires))
        }
    }

    public func leave(_ nodeID: String) async throws {
        try await database.execute("""
            WITH released AS (DELETE FROM camera_leases WHERE node_id = \(nodeID))
            DELETE FROM cluster_nodes WHERE id = \(nodeID)
            """)
    }
}
