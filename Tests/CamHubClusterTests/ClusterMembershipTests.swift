import CamHubCluster
import CamHubCore
import Foundation
import Logging
import Testing

@Suite("Cluster membership")
struct ClusterMembershipTests {
    static func membership(_ repository: any ClusterRepository, lease: Int = 2) -> ClusterMembership {
        var settings = ClusterSettings()
        settings.leaseSeconds = lease
        return ClusterMembership(
            node: ClusterMembership.node(address: "http://127.0.0.1:8080"), repository: repository, settings: settings, logger: Logger(label: "test")
        )
    }

    @Test func theAddressIsTheAdvertisedOneOrTheListeningOne() {
        var configuration = HubConfiguration()
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 8081
        #expect(ClusterMembership.advertisedAddress(configuration) == "http://127.0.0.1:8081")
        configuration.server.host = "::1"
        #expect(ClusterMembership.advertisedAddress(configuration) == "http://[::1]:8081")
        configuration.server.host = "0.0.0.0"
        #expect(ClusterMembership.advertisedAddress(configuration) == "http://\(ProcessInfo.processInfo.hostName):8081")
        configuration.cluster.advertiseURL = "https://hub-2.site.example/"
        #expect(ClusterMembership.advertisedAddress(configuration) == "https://hub-2.site.example")
    }

    @Test func theHeartbeatIsAtLeastOnceASecondAndThreeTimesPerLease() {
        var settings = ClusterSettings()
        #expect(settings.heartbeatInterval == .milliseconds(1666))
        settings.leaseSeconds = 2
        #expect(settings.heartbeatInterval == .seconds(1))
        settings.leaseSeconds = 30
        #expect(settings.heartbeatInterval == .seconds(10))
    }

    @Test func aClaimedCameraIsOwnedUntilAnotherNodeTakesItAfterTheLease() async throws {
        let repository = MemoryClusterRepository()
        let a = Self.membership(repository, lease: 2), b = Self.membership(repository, lease: 2)
        #expect(try await a.claim("cam-1") == a.node.id)
        #expect(a.owns("cam-1"))
        #expect(try await b.claim("cam-1") == a.node.id)
        #expect(!b.owns("cam-1"))
        // A stops heartbeating (it died): after the lease B takes the camera, and A, once its
        // heartbeat works again, knows it no longer owns it.
        try await Task.sleep(for: .milliseconds(2300))
        #expect(try await b.claim("cam-1") == b.node.id)
        await a.heartbeat()
        #expect(!a.owns("cam-1"))
        #expect(b.owns("cam-1"))
        await b.release("cam-1")
        #expect(!b.owns("cam-1"))
        #expect(try await repository.leases().isEmpty)
    }

    @Test func heartbeatsListTheNodeAndAGracefulStopLeaves() async throws {
        let repository = MemoryClusterRepository()
        let a = Self.membership(repository)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await a.run() }
            // The first heartbeat is at once; a loaded machine may take a while to run it.
            let deadline = ContinuousClock.now + .seconds(10)
            while try await repository.nodes(leaseSeconds: 2).isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let nodes = try await repository.nodes(leaseSeconds: 2)
            #expect(nodes.map(\.id) == [a.node.id])
            #expect(nodes.first?.alive == true)
            #expect(try await a.claim("cam-1") == a.node.id)
            group.cancelAll()
            try await group.waitForAll()
        }
        #expect(try await repository.nodes(leaseSeconds: 2).isEmpty)
        #expect(try await repository.leases().isEmpty)
    }
}
