import CamHubCore
@testable import CamHubServer
import HTTPTypes
import Testing

@Suite("Request origin behind proxies")
struct RequestOriginTests {
    static let proxies = ["127.0.0.1", "10.0.0.0/8"].compactMap(AddressRange.init)

    static func origin(peer: String, _ fields: [(String, String)], authority: String? = "camhub.internal") -> RequestOrigin {
        var headers = HTTPFields()
        for (name, value) in fields { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return RequestOrigin(peer: peer, headers: headers, requestAuthority: authority, trusted: proxies)
    }

    @Test func anUntrustedPeerIsTheClientWhateverItSends() {
        let origin = Self.origin(peer: "203.0.113.5", [("X-Forwarded-For", "127.0.0.1"), ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "https")])
        #expect(origin == RequestOrigin(clientAddress: "203.0.113.5"))
    }

    @Test func theClientIsTheRightmostAddressThatIsNotATrustedProxy() {
        // The client wrote a fake first entry; the proxies appended what they saw.
        let origin = Self.origin(peer: "10.0.0.2", [("X-Forwarded-For", "1.1.1.1, 198.51.100.7, 10.0.0.9")])
        #expect(origin.clientAddress == "198.51.100.7")
        #expect(Self.origin(peer: "127.0.0.1", [("X-Forwarded-For", "10.0.0.3")]).clientAddress == "10.0.0.3")
        #expect(Self.origin(peer: "127.0.0.1", []).clientAddress == "127.0.0.1")
        #expect(Self.origin(peer: "127.0.0.1", [("X-Forwarded-For", "not-an-address")]).clientAddress == "127.0.0.1")
    }

    @Test func schemeHostAndPortMakeTheAuthority() {
        let plain = Self.origin(peer: "127.0.0.1", [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "cams.example.com"), ("X-Forwarded-Port", "443")])
        #expect(plain.scheme == "https" && plain.authority == "cams.example.com")
        let port = Self.origin(peer: "127.0.0.1", [("X-Forwarded-Port", "8080")], authority: "cams.example.com")
        #expect(port.scheme == nil && port.authority == "cams.example.com:8080")
        let kept = Self.origin(peer: "127.0.0.1", [("X-Forwarded-Host", "cams.example.com:9000"), ("X-Forwarded-Port", "8080")])
        #expect(kept.authority == "cams.example.com:9000")
        let junk = Self.origin(peer: "127.0.0.1", [("X-Forwarded-Host", "evil.example/path?x"), ("X-Forwarded-Proto", "gopher")])
        #expect(junk.authority == nil && junk.scheme == nil)
    }

    @Test func theStandardForwardedHeaderWins() {
        let origin = Self.origin(
            peer: "10.1.1.1",
            [("Forwarded", #"for="[2001:db8::7]:4711";proto=https;host=cams.example.com, for=10.0.0.5"#), ("X-Forwarded-For", "192.0.2.1")]
        )
        #expect(origin == RequestOrigin(clientAddress: "2001:db8::7", scheme: "https", authority: "cams.example.com"))
        #expect(Self.origin(peer: "127.0.0.1", [("Forwarded", "for=192.0.2.60:4711")]).clientAddress == "192.0.2.60")
    }
}
