import CamHubCore
@testable import CamHubServer
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Webhooks: the API and the config")
struct WebhookRouteTests {
    static let admin: HTTPFields = [.authorization: "Bearer \(TestHub.adminToken)"]
    static let hook = WebhookSettings(url: "http://127.0.0.1:9/hook", secret: "webhook-s3cret-value", events: ["motion_start", "detection"])

    @Test func webhooksAndDeliveriesAreListedAndTheSecretNeverShown() async throws {
        let test = try await TestHub {
            $0.server.trustLoopback = false
            $0.webhooks = [Self.hook]
        }
        try await test.hub.webhooks.repository.enqueue([
            WebhookDelivery(id: "d-1", url: Self.hook.url, type: "motion_start", body: #"{"type":"motion_start","id":"d-1","data":{}}"#,
                            createdAt: Date(timeIntervalSince1970: 1_800_000_000)),
            WebhookDelivery(id: "d-2", url: Self.hook.url, type: "detection", body: #"{"type":"detection","id":"d-2","data":{}}"#,
                            createdAt: Date(timeIntervalSince1970: 1_800_000_001), state: .delivered, attempts: 1, lastStatus: 204),
        ])
        try await test.application().test(.router) { client in
            for uri in ["/api/webhooks", "/api/webhooks/deliveries"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized && response.errorBody?["code"] != nil)
                }
            }
            try await client.execute(uri: "/api/webhooks", method: .get, headers: Self.admin) { response in
                #expect(response.status == .ok && !String(buffer: response.body).contains("s3cret"))
                let hooks = try #require(try response.json["webhooks"] as? [[String: Any]])
                #expect(hooks.count == 1 && hooks[0]["url"] as? String == Self.hook.url && hooks[0]["events"] as? [String] == ["motion_start", "detection"])
                let counts = try #require(hooks[0]["deliveries"] as? [String: Int])
                #expect(counts == ["pending": 1, "delivered": 1, "failed": 0])
            }
            try await client.execute(uri: "/api/webhooks/deliveries?state=delivered", method: .get, headers: Self.admin) { response in
                let body = try response.json
                let deliveries = try #require(body["deliveries"] as? [[String: Any]])
                #expect(body["total_count"] as? Int == 1 && deliveries.map { $0["id"] as? String } == ["d-2"])
                #expect(deliveries[0]["last_status"] as? Int == 204 && deliveries[0]["next_attempt_at"] is NSNull)
                #expect((deliveries[0]["body"] as? [String: Any])?["type"] as? String == "detection")
            }
            try await client.execute(uri: "/api/webhooks/deliveries", method: .get, headers: Self.admin) { response in
                let deliveries = try #require(try response.json["deliveries"] as? [[String: Any]])
                #expect(deliveries.map { $0["id"] as? String } == ["d-2", "d-1"] && deliveries[1]["next_attempt_at"] is String)
            }
            for uri in ["/api/webhooks/deliveries?state=lost", "/api/webhooks/deliveries?limit=0", "/api/webhooks/deliveries?offset=-1"] {
                try await client.execute(uri: uri, method: .get, headers: Self.admin) { response in
                    #expect(response.status == .badRequest && response.errorBody?["code"] != nil, "\(uri)")
                }
            }
            try await client.execute(uri: "/config", method: .get, headers: Self.admin) { response in
                #expect(!String(buffer: response.body).contains("s3cret") && String(buffer: response.body).contains(Self.hook.url))
            }
            // Sent back as shown, the secret is kept.
            let shown = ByteBuffer(data: try ConfigurationLoader.encode(ConfigController.redacted(test.hub.configuration)))
            try await client.execute(uri: "/config", method: .put, headers: Self.admin, body: shown) { response in
                #expect(response.status == .ok)
            }
            #expect(test.hub.configuration.webhooks == [Self.hook])
            var bad = test.hub.configuration
            bad.webhooks[0].url = "gopher://127.0.0.1/hook"
            try await client.execute(uri: "/config", method: .put, headers: Self.admin, body: ByteBuffer(data: try ConfigurationLoader.encode(bad))) { response in
                #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("webhooks[0].url"))
            }
        }
    }
}
