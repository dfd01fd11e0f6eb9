import CamHubCore
@testable import CamHubServer
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
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

@Suite("POST /cluster/frames/{id}")
struct ClusterFrameRouteTests {
    @Test func onlyAHubWithTheNodeSecretMayHandAFrameOverAndItKeepsItsEntryTime() async throws {
        let test = try await TestHub(cameraIDs: ["a"])
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0xF0, 0x01, 0x40, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9]
        try await test.application().test(.router) { client in
            for headers: HTTPFields in [[:], [.camhubNode: "wrong"], [.authorization: "Bearer \(TestHub.adminToken)"]] {
                try await client.execute(uri: "/cluster/frames/a", method: .post, headers: headers, body: ByteBuffer(bytes: jpeg)) { response in
                    #expect(response.status == .unauthorized)
                    let error = try response.json["error"]
                    #expect(error != nil)
                }
            }
            let node: HTTPFields = [.camhubNode: test.hub.nodeSecret.value, .xTimestamp: "1800000000.250000"]
            try await client.execute(uri: "/cluster/frames/nope", method: .post, headers: node, body: ByteBuffer(bytes: jpeg)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/cluster/frames/a", method: .post, headers: node, body: ByteBuffer(string: "not a jpeg")) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/cluster/frames/a", method: .post, headers: node, body: ByteBuffer(bytes: jpeg)) { response in
                #expect(response.status == .ok)
                let timestamp = try response.json["timestamp"] as? String
                #expect(timestamp == "1800000000.250000")
            }
        }
        #expect(test.hub.frames.existingFeed(for: "a")?.newest?.timestamp == FrameTimestamp(microseconds: 1_800_000_000_250_000))
    }

    @Test func entryTimesReadBackFromTheirHeader() {
        #expect(FrameTimestamp(headerValue: "1800000000.000042") == FrameTimestamp(microseconds: 1_800_000_000_000_042))
        #expect(FrameTimestamp(headerValue: "12.5") == FrameTimestamp(microseconds: 12_500_000))
        #expect(FrameTimestamp(headerValue: "12") == FrameTimestamp(microseconds: 12_000_000))
        for bad in ["", "x", "-1.0", "1.", "1.2x", "1.-5"] { #expect(FrameTimestamp(headerValue: bad) == nil, "\(bad)") }
        let now = FrameTimestamp.now()
        #expect(FrameTimestamp(headerValue: now.headerValue) == now)
    }
}

@Suite("GET /cluster/clips/{name}")
struct ClusterClipRouteTests {
    @Test func onlyAHubWithTheNodeSecretGetsAClipFile() async throws {
        let test = try await TestHub()
        let store = test.hub.clipStore
        let output = try store.create("e-9.clip")
        try output.append(ClipFile.Frame(timestamp: FrameTimestamp(microseconds: 5), jpeg: [0xFF, 0xD8, 0xFF, 0xD9]))
        output.close()
        try await test.application().test(.router) { client in
            for headers: HTTPFields in [[:], [.camhubNode: "wrong"], [.authorization: "Bearer \(TestHub.adminToken)"]] {
                try await client.execute(uri: "/cluster/clips/e-9.clip", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized && response.errorBody?["code"] != nil)
                }
            }
            let node: HTTPFields = [.camhubNode: test.hub.nodeSecret.value]
            try await client.execute(uri: "/cluster/clips/e-9.clip", method: .get, headers: node) { response in
                #expect(response.status == .ok && ClipFile.decode(Data(buffer: response.body))?.first?.jpeg == [0xFF, 0xD8, 0xFF, 0xD9])
            }
            for name in ["e-8.clip", "..%2Fcamhub.json", "camhub.json"] {
                try await client.execute(uri: "/cluster/clips/\(name)", method: .get, headers: node) { response in
                    #expect(response.status == .notFound, "\(name)")
                }
            }
        }
    }
}
