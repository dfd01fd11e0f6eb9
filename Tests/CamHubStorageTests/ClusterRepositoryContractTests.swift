import CamHubCore
import CamHubStorage
import Foundation
import Testing

/// The site's nodes and camera leases behave the same in memory (one hub) and on PostgreSQL.
@Suite("Cluster repository contract")
struct ClusterRepositoryContractTests {
    static func node(_ id: String, startedAt offset: TimeInterval = 0) -> ClusterNode {
        let started = Date(timeIntervalSince1970: 1_800_000_000 + offset)
        return ClusterNode(id: id, address: "http://127.0.0.1:80\(id.suffix(2))", version: "test", startedAt: started, lastSeen: started)
    }

    @Test(arguments: Backend.available.filter { $0 == .memory || $0 == .postgres })
    func aHeartbeatListsTheNodeAliveAndALeaveRemovesIt(backend: Backend) async throws {
        try await backend.withStores { stores in
            let cluster = stores.cluster
            try await cluster.heartbeat(Self.node("node-01"), leaseSeconds: 5, cameras: [:])
            var second = Self.node("node-02", startedAt: 10)
            second.socketSessions = 7
            try await cluster.heartbeat(second, leaseSeconds: 5, cameras: [:])
            let nodes = try await cluster.nodes(leaseSeconds: 5)
            #expect(nodes.map(\.id) == ["node-02", "node-01"])
            #expect(nodes.map(\.socketSessions) == [7, 0])
            #expect(nodes.filter { !$0.alive }.isEmpty)
            #expect(nodes.last?.address == "http://127.0.0.1:8001")
            let newest = try #require(nodes.first)
            #expect(abs(newest.lastSeen.timeIntervalSinceNow) < 5)
            try await cluster.leave("node-02")
            #expect(try await cluster.nodes(leaseSeconds: 5).map(\.id) == ["node-01"])
        }
    }

    @Test(arguments: Backend.available.filter { $0 == .memory || $0 == .postgres })
    func aCameraHasOneHolderUntilItsLeaseRunsOut(backend: Backend) async throws {
        try await backend.withStores { stores in
            let cluster = stores.cluster
            #expect(try await cluster.acquire("cam-1", for: "node-01", leaseSeconds: 2) == "node-01")
            #expect(try await cluster.acquire("cam-1", for: "node-02", leaseSeconds: 2) == "node-01")
            #expect(try await cluster.acquire("cam-1", for: "node-01", leaseSeconds: 2) == "node-01")
            #expect(try await cluster.leases().map { [$0.cameraID, $0.nodeID] } == [["cam-1", "node-01"]])
            // node-01 stops heartbeating: its lease runs out, and node-02 may take the camera.
            try await Task.sleep(for: .milliseconds(2300))
            #expect(try await cluster.leases().isEmpty)
            #expect(try await cluster.nodes(leaseSeconds: 2).isEmpty)
            #expect(try await cluster.acquire("cam-1", for: "node-02", leaseSeconds: 5) == "node-02")
            // Releasing someone else's camera does nothing; releasing one's own frees it.
            try await cluster.release("cam-1", from: "node-01")
            #expect(try await cluster.acquire("cam-1", for: "node-01", leaseSeconds: 5) == "node-02")
            // A camera whose push socket moved is taken, whoever held it.
            try await cluster.take("cam-1", for: "node-03", leaseSeconds: 5)
            #expect(try await cluster.leases().map(\.nodeID) == ["node-03"])
            try await cluster.release("cam-1", from: "node-03")
            #expect(try await cluster.acquire("cam-1", for: "node-01", leaseSeconds: 5) == "node-01")
        }
    }

    @Test(arguments: Backend.available.filter { $0 == .memory || $0 == .postgres })
    func heartbeatsRenewLeasesAndLeavingFreesThem(backend: Backend) async throws {
        try await backend.withStores { stores in
            let cluster = stores.cluster
            _ = try await cluster.acquire("cam-1", for: "node-01", leaseSeconds: 2)
            _ = try await cluster.acquire("cam-2", for: "node-01", leaseSeconds: 2)
            #expect(try await cluster.leases().map(\.liveness) == [CameraLiveness(), CameraLiveness()])
            let lastFrame = Date(timeIntervalSince1970: 1_800_000_123.25)
            for beat in 0..<3 {
                try await Task.sleep(for: .milliseconds(1000))
                // Each heartbeat says how the cameras are doing; a camera it does not name keeps what it had.
                let reported = beat == 0 ? ["cam-1": CameraLiveness(lastFrameAt: lastFrame, framesPerSecond: 12.5)] : [:]
                try await cluster.heartbeat(Self.node("node-01"), leaseSeconds: 2, cameras: reported)
            }
            let leases = try await cluster.leases()
            #expect(leases.map(\.cameraID) == ["cam-1", "cam-2"])
            #expect(leases.map(\.liveness) == [CameraLiveness(lastFrameAt: lastFrame, framesPerSecond: 12.5), CameraLiveness()])
            // Another node's heartbeat never speaks for this node's cameras.
            try await cluster.heartbeat(Self.node("node-02"), leaseSeconds: 2, cameras: ["cam-2": CameraLiveness(lastFrameAt: lastFrame, framesPerSecond: 3)])
            #expect(try await cluster.leases().last?.liveness == CameraLiveness())
            try await cluster.leave("node-01")
            #expect(try await cluster.leases().isEmpty)
            #expect(try await cluster.acquire("cam-1", for: "node-02", leaseSeconds: 5) == "node-02")
        }
    }
}
