public import CamHubCore
public import Foundation
public import Logging
import Synchronization
public import ServiceLifecycle

/// This hub as a node of the site: it heartbeats (at least once a second, three times per lease),
/// which keeps it listed as alive and renews the leases on the cameras it captures, and it leaves
/// at a graceful shutdown, so its cameras are free for another hub at once. A hub that dies
/// leaves nothing to clean: its leases run out after `cluster.lease_seconds`.
///
/// A heartbeat that fails (the database is away) is logged once per outage and tried again at
/// the next interval; the leases it could not renew may be taken by another hub meanwhile, and
/// `owns` says so from the next successful heartbeat on.
public final class ClusterMembership: Service, Sendable {
    public let node: ClusterNode
    public let repository: any ClusterRepository
    public let settings: ClusterSettings
    /// How this node's cameras are doing, reported with each heartbeat for the other hubs' answers.
    public typealias Liveness = @Sendable (Set<CameraID>) -> [CameraID: CameraLiveness]
    private let liveness: Liveness
    /// The Socket.IO clients connected to this node now, reported with each heartbeat.
    private let socketSessions: @Sendable () -> Int
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var failing = false
        /// The cameras this node holds the lease on, as of its last claim or heartbeat.
        var owned: Set<CameraID> = []
        /// Who holds each camera, and where the live nodes are, as of the last heartbeat.
        var holders: [CameraID: String] = [:]
        var addresses: [String: String] = [:]
        /// How the cameras other nodes hold are doing, as their last heartbeats said.
        var elsewhere: [CameraID: CameraLiveness] = [:]
        /// The Socket.IO clients of the other live nodes, as their last heartbeats said.
        var socketSessionsElsewhere = 0
    }

    /// Another live node of the site.
    public struct Peer: Sendable, Equatable {
        public let nodeID: String
        public let address: String
    }

    public init(
        node: ClusterNode, repository: any ClusterRepository, settings: ClusterSettings, logger: Logger,
        liveness: @escaping Liveness = { _ in [:] }, socketSessions: @escaping @Sendable () -> Int = { 0 }
    ) {
        self.node = node
        self.repository = repository
        self.settings = settings
        self.logger = logger
        self.liveness = liveness
        self.socketSessions = socketSessions
    }

    /// A node for this start, reached by the other hubs at `address`.
    public static func node(address: String, startedAt: Date = Date()) -> ClusterNode {
        ClusterNode(id: ClusterNode.newID(), address: address, version: CamHubVersion.current, startedAt: startedAt, lastSeen: startedAt)
    }

    /// The address other hubs use: `cluster.advertise_url`, or the listening host and port (the
    /// machine's host name when listening on every interface).
    public static func advertisedAddress(_ configuration: HubConfiguration) -> String {
        if let url = configuration.cluster.advertiseURL { return url.hasSuffix("/") ? String(url.dropLast()) : url }
        var host = configuration.server.host
        if ["0.0.0.0", "::", "[::]"].contains(host) { host = ProcessInfo.processInfo.hostName }
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        return "http://\(host):\(configuration.server.port)"
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.heartbeat()
                try? await Task.sleep(for: self.settings.heartbeatInterval)
            }
        }
        do {
            try await repository.leave(node.id)
            logger.info("left the cluster", metadata: ["node": "\(node.id)"])
        } catch {
            logger.warning("could not leave the cluster; this node's leases run out by themselves", metadata: ["error": "\(error)"])
        }
    }

    /// One heartbeat: listed as alive, leases renewed, and what this node still holds read back.
    public func heartbeat() async {
        do {
            let owned = state.withLock { $0.owned }
            var reported = node
            reported.socketSessions = socketSessions()
            try await repository.heartbeat(reported, leaseSeconds: settings.leaseSeconds, cameras: liveness(owned))
            let leases = try await repository.leases()
            let alive = try await repository.nodes(leaseSeconds: settings.leaseSeconds).filter(\.alive)
            let held = Set(leases.filter { $0.nodeID == node.id }.map(\.cameraID))
            let lost = state.withLock { state in
                defer {
                    state.owned = held
                    state.failing = false
                    state.holders = Dictionary(leases.map { ($0.cameraID, $0.nodeID) }, uniquingKeysWith: { first, _ in first })
                    state.addresses = Dictionary(alive.map { ($0.id, $0.address) }, uniquingKeysWith: { first, _ in first })
                    state.socketSessionsElsewhere = alive.filter { $0.id != node.id }.reduce(0) { $0 + $1.socketSessions }
                    state.elsewhere = Dictionary(
                        leases.filter { $0.nodeID != node.id && state.addresses[$0.nodeID] != nil }.map { ($0.cameraID, $0.liveness) },
                        uniquingKeysWith: { first, _ in first }
                    )
                }
                if state.failing { logger.notice("cluster heartbeats work again", metadata: ["node": "\(node.id)"]) }
                return state.owned.subtracting(held)
            }
            for camera in lost.sorted() {
                logger.warning("another hub took this camera while our lease was not renewed", metadata: ["camera": "\(camera)"])
            }
        } catch {
            let first = state.withLock { state in
                defer { state.failing = true }
                return !state.failing
            }
            if first { logger.warning("cluster heartbeat failed; retrying", metadata: ["error": "\(error)"]) }
        }
    }

    /// Takes the camera for this node unless another live node holds it; returns the holder.
    @discardableResult
    public func claim(_ cameraID: CameraID) async throws -> String {
        let holder = try await repository.acquire(cameraID, for: node.id, leaseSeconds: settings.leaseSeconds)
        state.withLock { state in
            state.holders[cameraID] = holder
            if holder == node.id { state.owned.insert(cameraID) }
        }
        return holder
    }

    /// The live node that captures the camera, when it is another one (as of the last heartbeat).
    public func owner(of cameraID: CameraID) -> Peer? {
        state.withLock { state in
            guard !state.owned.contains(cameraID), let holder = state.holders[cameraID], holder != node.id,
                let address = state.addresses[holder]
            else { return nil }
            return Peer(nodeID: holder, address: address)
        }
    }

    /// Another live node by its id: from the last heartbeat, or the database for a node that has
    /// joined since. Nil for this node, and for a node that is gone or was never there.
    public func peer(nodeID: String) async -> Peer? {
        guard nodeID != node.id else { return nil }
        if let address = state.withLock({ $0.addresses[nodeID] }) { return Peer(nodeID: nodeID, address: address) }
        guard let nodes = try? await repository.nodes(leaseSeconds: settings.leaseSeconds),
            let found = nodes.first(where: { $0.id == nodeID && $0.alive })
        else { return nil }
        state.withLock { $0.addresses[nodeID] = found.address }
        return Peer(nodeID: nodeID, address: found.address)
    }

    /// The other live nodes, as of the last heartbeat.
    public var otherPeers: [Peer] {
        state.withLock { state in
            state.addresses.filter { $0.key != node.id }.map { Peer(nodeID: $0.key, address: $0.value) }.sorted { $0.nodeID < $1.nodeID }
        }
    }

    /// Where a frame that arrived here belongs: nil for this node (it holds the camera, or has just
    /// taken it because nobody did), or the live node that holds it.
    public func ownerForIngest(_ cameraID: CameraID) async throws -> Peer? {
        if owns(cameraID) { return nil }
        if let peer = owner(of: cameraID) { return peer }
        let holder = try await claim(cameraID)
        guard holder != node.id else { return nil }
        return state.withLock { state in state.addresses[holder].map { Peer(nodeID: holder, address: $0) } }
    }

    /// Takes the camera whoever holds it: its frames arrive here now (its push socket connected here).
    public func take(_ cameraID: CameraID) async throws {
        try await repository.take(cameraID, for: node.id, leaseSeconds: settings.leaseSeconds)
        state.withLock { state in
            state.owned.insert(cameraID)
            state.holders[cameraID] = node.id
        }
    }

    /// Gives the camera up (its push socket closed, its source stopped).
    public func release(_ cameraID: CameraID) async {
        state.withLock { state in
            state.owned.remove(cameraID)
            if state.holders[cameraID] == node.id { state.holders[cameraID] = nil }
        }
        do {
            try await repository.release(cameraID, from: node.id)
        } catch {
            logger.warning("could not release a camera; its lease runs out by itself", metadata: ["camera": "\(cameraID)", "error": "\(error)"])
        }
    }

    /// How a camera another live node holds is doing, as that node's last heartbeat said; nil when
    /// this node holds it or no live node does.
    public func liveness(elsewhere cameraID: CameraID) -> CameraLiveness? {
        state.withLock { state in state.owned.contains(cameraID) ? nil : state.elsewhere[cameraID] }
    }

    /// The Socket.IO clients connected to the other live nodes, as of their last heartbeats.
    public var socketSessionsElsewhere: Int {
        state.withLock { $0.socketSessionsElsewhere }
    }

    /// Whether this node holds the camera, as of its last claim or heartbeat.
    public func owns(_ cameraID: CameraID) -> Bool {
        state.withLock { $0.owned.contains(cameraID) }
    }
}
