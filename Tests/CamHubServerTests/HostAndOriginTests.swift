import CamHubCore
@testable import CamHubServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Trusted hosts and CORS origins (server.trusted_hosts, server.cors_origins)")
struct HostAndOriginTests {
    static let admin: HTTPFields = [.authorization: "Bearer \(TestHub.adminToken)", .contentType: "application/json"]

    @Test func hostNamesAndPatterns() {
        #expect(HostNames.hostname(ofAuthority: "CamHub.Example.com:8080") == "camhub.example.com")
        #expect(HostNames.hostname(ofAuthority: "[::1]:8080") == "::1")
        #expect(HostNames.hostname(ofAuthority: "127.0.0.1") == "127.0.0.1")
        #expect(HostNames.matches("cams.example.com", pattern: "*.example.com"))
        #expect(!HostNames.matches("example.com.evil.net", pattern: "*.example.com"))
        #expect(!HostNames.matches("badexample.com", pattern: "*.example.com"))
        #expect(HostNames.matches("anything", pattern: "*"))
        #expect(HostNames.isLoopbackName("localhost") && HostNames.isLoopbackName("127.0.0.1") && HostNames.isLoopbackName("::1"))
        #expect(!HostNames.isLoopbackName("rebound.evil.example"))
    }

    @Test func badEntriesAreRefusedByKey() {
        var configuration = HubConfiguration()
        configuration.server.corsOrigins = ["https://ops.example.com/path"]
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.server.corsOrigins = ["*", "https://ops.example.com", "http://10.0.0.5:3000"]
        configuration.server.trustedHosts = ["camhub.example.com", "*.example.com", "10.0.0.5"]
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.server.trustedHosts = ["bad host"]
        do {
            try configuration.validate()
            Issue.record("a host with a space was accepted")
        } catch {
            #expect(error.key == "server.trusted_hosts[0]")
        }
    }

    @Test func aListedOriginMayReadAndChangeFromItsPages() async throws {
        let test = try await TestHub { $0.server.corsOrigins = ["https://ops.example.com"] }
        try await test.application().test(.router) { client in
            var headers = Self.admin
            headers[.origin] = "https://ops.example.com"
            try await client.execute(uri: "/cameras", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "https://ops.example.com")
                #expect(response.headers[.vary] == "Origin")
            }
            var preflight: HTTPFields = [.origin: "https://ops.example.com"]
            preflight[.accessControlRequestMethod] = "POST"
            try await client.execute(uri: "/cameras", method: .options, headers: preflight) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowMethods]?.contains("POST") == true)
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            }
            try await client.execute(uri: "/cameras", method: .post, headers: headers, body: ByteBuffer(string: #"{"name": "x"}"#)) { response in
                #expect(response.status == .created)
                #expect(response.headers[.accessControlAllowOrigin] == "https://ops.example.com")
            }
            // Errors carry the header too, so the page can read them.
            try await client.execute(uri: "/cameras/nope/status", method: .get, headers: headers) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.accessControlAllowOrigin] == "https://ops.example.com")
            }
            // Another origin gets no CORS headers, a refused preflight, and no changes.
            var other = Self.admin
            other[.origin] = "https://evil.example"
            try await client.execute(uri: "/cameras", method: .get, headers: other) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
            var otherPreflight: HTTPFields = [.origin: "https://evil.example"]
            otherPreflight[.accessControlRequestMethod] = "POST"
            try await client.execute(uri: "/cameras", method: .options, headers: otherPreflight) { response in
                #expect(response.status == .forbidden)
                #expect(response.errorBody?["code"] as? String == "cross_origin")
            }
            try await client.execute(uri: "/server/shutdown", method: .post, headers: other) { response in
                #expect(response.status == .forbidden)
            }
        }
        #expect(!test.shutdown.wasPulled)
    }

    @Test func aStarLetsAnyPageReadButNotChange() async throws {
        let test = try await TestHub { $0.server.corsOrigins = ["*"] }
        try await test.application().test(.router) { client in
            var headers = Self.admin
            headers[.origin] = "https://anywhere.example"
            try await client.execute(uri: "/cameras", method: .get, headers: headers) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "*")
            }
            var preflight: HTTPFields = [.origin: "https://anywhere.example"]
            preflight[.accessControlRequestMethod] = "DELETE"
            try await client.execute(uri: "/cameras/testpattern", method: .options, headers: preflight) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/server/shutdown", method: .post, headers: headers) { response in
                #expect(response.status == .forbidden)
                #expect(response.errorBody?["code"] as? String == "cross_site")
            }
        }
        #expect(!test.shutdown.wasPulled)
    }

    /// Behind a balancer that rewrites `Host` (seed 000's nginx block drops the port), the page's
    /// own calls are same-origin by the browser's verdict, or by `server.public_url`.
    @Test func thePagesOwnCallsPassThroughABalancerThatRewritesTheHost() async throws {
        let test = try await TestHub { $0.server.publicURL = "http://site.example:8000" }
        try await test.application().test(.router) { client in
            var sameOrigin = Self.admin
            sameOrigin[.origin] = "http://site.example:8000"
            sameOrigin[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
            try await client.execute(uri: "/cameras", method: .post, headers: sameOrigin, body: ByteBuffer(string: #"{"name": "a"}"#)) { response in
                #expect(response.status == .created)
            }
            sameOrigin[.origin] = "http://elsewhere.example"
            try await client.execute(uri: "/cameras", method: .post, headers: sameOrigin, body: ByteBuffer(string: #"{"name": "b"}"#)) { response in
                #expect(response.status == .created, "the browser said same-origin")
            }
            // A browser without Sec-Fetch-Site: its Origin must be the site's public URL.
            var older = Self.admin
            older[.origin] = "http://SITE.example:8000"
            try await client.execute(uri: "/cameras", method: .post, headers: older, body: ByteBuffer(string: #"{"name": "c"}"#)) { response in
                #expect(response.status == .created)
            }
            older[.origin] = "http://site.example:9000"
            try await client.execute(uri: "/cameras", method: .post, headers: older, body: ByteBuffer(string: #"{"name": "d"}"#)) { response in
                #expect(response.status == .forbidden)
                #expect(response.errorBody?["code"] as? String == "cross_site")
            }
        }
    }

    @Test func withoutCORSOriginsNoHeadersAreAdded() async throws {
        let test = try await TestHub()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/cameras", method: .get, headers: [.origin: "https://ops.example.com"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }
}
