import CamHubCore
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The web login and the cross-site guard. Router-tester requests are not from loopback.
@Suite("Web login and cross-site requests")
struct AuthRouteTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test func theAdminTokenBuysAnHttpOnlyStrictSessionCookieThatLogoutEnds() async throws {
        let test = try await TestHub()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/auth/session", method: .get) { response in
                try #expect(response.json["authenticated"] as? Bool == false)
            }
            try await client.execute(uri: "/auth/login", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"token": "wrong"}"#)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
            }
            let cookie = try await client.execute(uri: "/auth/login", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"token": "\#(TestHub.adminToken)"}"#)) { response in
                #expect(response.status == .ok)
                let header = try #require(response.headers[.setCookie])
                #expect(header.contains("HttpOnly"))
                #expect(header.contains("SameSite=Strict"))
                return String(header.split(separator: ";")[0])
            }
            let withCookie: HTTPFields = [.cookie: cookie]
            try await client.execute(uri: "/config", method: .get, headers: withCookie) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/auth/session", method: .get, headers: withCookie) { response in
                try #expect(response.json["via"] as? String == "session")
            }
            try await client.execute(uri: "/auth/logout", method: .post, headers: withCookie) { response in
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            try await client.execute(uri: "/config", method: .get, headers: withCookie) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/config", method: .get, headers: [.cookie: "camhub_session=forged"]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func stateChangingRequestsFromAnotherSitesPageAreRefused() async throws {
        let test = try await TestHub()
        let admin: HTTPFields = [.authorization: "Bearer \(TestHub.adminToken)", .contentType: "application/json"]
        try await test.application().test(.router) { client in
            var crossOrigin = admin
            crossOrigin[.origin] = "http://evil.example"
            try await client.execute(uri: "/server/shutdown", method: .post, headers: crossOrigin) { response in
                #expect(response.status == .forbidden)
                #expect(response.errorBody?["code"] as? String == "cross_site")
            }
            var crossSite = admin
            crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            try await client.execute(uri: "/cameras", method: .post, headers: crossSite, body: ByteBuffer(string: #"{"name": "x"}"#)) { response in
                #expect(response.status == .forbidden)
            }
            // Reads are not affected, and neither are clients that send no Origin.
            try await client.execute(uri: "/cameras", method: .get, headers: crossOrigin) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/cameras", method: .post, headers: admin, body: ByteBuffer(string: #"{"name": "x"}"#)) { response in
                #expect(response.status == .created)
            }
        }
        #expect(!test.shutdown.wasPulled)
    }
}

@Suite("Hub statistics for the health page")
struct HubStatsRouteTests {
    @Test func theOperatorSeesTheHubAndEachCamera() async throws {
        let test = try await TestHub(cameraIDs: ["a", "b"])
        test.publish("a")
        test.publish("a")
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/hub/stats", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/hub/stats", method: .get, headers: [.authorization: "Bearer \(TestHub.adminToken)"]) { response in
                #expect(response.status == .ok)
                let body = try response.json
                #expect(body["frames_in_total"] as? Int == 2)
                let cameras = try #require(body["cameras"] as? [[String: Any]])
                #expect(cameras.map { $0["id"] as? String } == ["a", "b"])
                #expect((cameras[0]["last_seen_age_seconds"] as? Double).map { $0 < 5 } == true)
                #expect(cameras[1]["last_seen_age_seconds"] is NSNull)
            }
        }
    }
}
