import CamHubCore
@testable import CamHubServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /cluster")
struct ClusterRouteTests {
    @Test func theOperatorSeesThisHubAsTheOneNodeWithTheCamerasItHolds() async throws {
        let test = try await TestHub(cameraIDs: ["a", "b"]) { configuration in
            configuration.cluster.advertiseURL = "http://10.0.0.5:8080"
        }
        await test.hub.cluster.heartbeat()
        try await test.hub.cluster.claim("b")
        try await test.hub.cluster.claim("a")
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/cluster", method: .get) { response in
                #expect(response.status == .unauthorized)
                let error = try response.json["error"]
                #expect(error != nil)
            }
            try await client.execute(uri: "/cluster", method: .get, headers: [.authorization: "Bearer \(TestHub.adminToken)"]) { response in
                #expect(response.status == .ok)
                let body = try response.json
                let nodes = try #require(body["nodes"] as? [[String: Any]])
                #expect(nodes.count == 1)
                let node = try #require(nodes.first)
                #expect(node["id"] as? String == test.hub.cluster.node.id)
                #expect(body["node"] as? String == test.hub.cluster.node.id)
                #expect(node["address"] as? String == "http://10.0.0.5:8080")
                #expect(node["alive"] as? Bool == true)
                #expect(node["this"] as? Bool == true)
                #expect(node["cameras"] as? [String] == ["a", "b"])
                #expect(node["version"] as? String == CamHubVersion.current)
                #expect((node["last_seen"] as? String)?.hasPrefix("20") == true)
                #expect(body["lease_seconds"] as? Int == 5)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"camhub_cluster_nodes{state="alive"} 1"#))
                #expect(text.contains("camhub_cluster_cameras_owned 2"))
            }
        }
    }
}
