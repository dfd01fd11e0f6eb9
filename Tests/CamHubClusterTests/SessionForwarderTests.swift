import CamHubCluster
import CamHubCore
import Logging
import Testing

@Suite("Socket.IO sessions across hubs")
struct SessionForwarderTests {
    @Test func aSessionIDNamesItsHub() {
        #expect(SessionForwarder.nodeID(ofSession: "AbCdEfGhIjKlMnOpQrSt.node-1a2b3c4d") == "node-1a2b3c4d")
        #expect(SessionForwarder.nodeID(ofSession: "AbCdEfGhIjKlMnOpQrSt") == nil)
        #expect(SessionForwarder.nodeID(ofSession: "AbCdEfGhIjKlMnOpQrSt.") == nil)
    }

    @Test func onlyASessionOfAnotherLiveHubIsHandedOn() async throws {
        let repository = MemoryClusterRepository()
        let a = ClusterMembershipTests.membership(repository), b = ClusterMembershipTests.membership(repository)
        let forwarder = SessionForwarder(membership: a, secret: NodeSecret(value: "s"))
        #expect(forwarder.sessionTag == a.node.id)
        // B has not heartbeat yet: its sessions are unknown (the client reconnects).
        #expect(await forwarder.owner(ofSession: "x.\(b.node.id)") == nil)
        await b.heartbeat()
        // A learns of B from the database on the first miss, without a heartbeat of its own.
        let owner = await forwarder.owner(ofSession: "x.\(b.node.id)")
        #expect(owner?.nodeID == b.node.id && owner?.address == b.node.address)
        #expect(await forwarder.owner(ofSession: "x.\(a.node.id)") == nil)
        #expect(await forwarder.owner(ofSession: "x.node-gone") == nil)
        #expect(await forwarder.owner(ofSession: "untagged") == nil)
    }
}
