import Foundation
import Synchronization

/// The hubs of a site and the leases on their cameras. On PostgreSQL it is shared by every hub;
/// with SQLite there is one hub, and it is kept in memory.
///
/// Times that decide liveness are the store's own (the database's clock), passed as durations.
public protocol ClusterRepository: Sendable {
    /// Puts this node in the list, or refreshes it, and renews every lease it holds, with the
    /// liveness of the cameras named in `cameras` (the others keep what they had).
    func heartbeat(_ node: ClusterNode, leaseSeconds: Int, cameras: [CameraID: CameraLiveness]) async throws
    /// Every node seen, newest start first, with `alive` by `leaseSeconds`.
    func nodes(leaseSeconds: Int) async throws -> [ClusterNode]
    /// Takes the camera for `nodeID` when nobody holds it, its holder's lease expired, or it is
    /// `nodeID`'s already. Returns the holder after the call (`nodeID` when it was taken).
    func acquire(_ cameraID: CameraID, for nodeID: String, leaseSeconds: Int) async throws -> String
    /// Takes the camera for `nodeID` whoever holds it: the camera now sends its frames to `nodeID`.
    func take(_ cameraID: CameraID, for nodeID: String, leaseSeconds: Int) async throws
    /// Gives the camera up, if `nodeID` holds it.
    func release(_ cameraID: CameraID, from nodeID: String) async throws
    /// The leases that have not expired.
    func leases() async throws -> [CameraLease]
    /// A node that stops gracefully: its row and its leases go at once.
    func leave(_ nodeID: String) async throws
}

/// One hub alone: the cluster is that hub, in memory.
public final class MemoryClusterRepository: ClusterRepository {
    private struct State {
        var nodes: [String: ClusterNode] = [:]
        var leases: [CameraID: CameraLease] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func heartbeat(_ node: ClusterNode, leaseSeconds: Int, cameras: [CameraID: CameraLiveness]) async throws {
        let now = Date()
        state.withLock { state in
            var node = node
            node.lastSeen = now
            state.nodes[node.id] = node
            for (id, lease) in state.leases where lease.nodeID == node.id {
                state.leases[id]?.expiresAt = now.addingTimeInterval(TimeInterval(leaseSeconds))
                if let liveness = cameras[id] { state.leases[id]?.liveness = liveness }
            }
        }
    }

    public func nodes(leaseSeconds: Int) async throws -> [ClusterNode] {
        let now = Date()
        return state.withLock { state in
            state.nodes.values.map { node in
                var node = node
                node.alive = now.timeIntervalSince(node.lastSeen) <= TimeInterval(leaseSeconds)
                return node
            }.sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
        }
    }

    public func acquire(_ cameraID: CameraID, for nodeID: String, leaseSeconds: Int) async throws -> String {
        let now = Date()
        return state.withLock { state in
            if let lease = state.leases[cameraID], lease.nodeID != nodeID, lease.expiresAt > now { return lease.nodeID }
            state.leases[cameraID] = CameraLease(cameraID: cameraID, nodeID: nodeID, expiresAt: now.addingTimeInterval(TimeInterval(leaseSeconds)))
            return nodeID
        }
    }

    public func take(_ cameraID: CameraID, for nodeID: String, leaseSeconds: Int) async throws {
        let expires = Date().addingTimeInterval(TimeInterval(leaseSeconds))
        state.withLock { $0.leases[cameraID] = CameraLease(cameraID: cameraID, nodeID: nodeID, expiresAt: expires) }
    }

    public func release(_ cameraID: CameraID, from nodeID: String) async throws {
        state.withLock { state in
            if state.leases[cameraID]?.nodeID == nodeID { state.leases[cameraID] = nil }
        }
    }

    public func leases() async throws -> [CameraLease] {
        let now = Date()
        return state.withLock { state in
            state.leases.values.filter { $0.expiresAt > now }.sorted { $0.cameraID < $1.cameraID }
        }
    }

    public func leave(_ nodeID: String) async throws {
        state.withLock { state in
            state.nodes[nodeID] = nil
            state.leases = state.leases.filter { $0.value.nodeID != nodeID }
        }
    }
}
