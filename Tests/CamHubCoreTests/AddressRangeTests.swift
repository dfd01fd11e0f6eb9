import CamHubCore
import Testing

@Suite("Address ranges")
struct AddressRangeTests {
    @Test func rangesHoldTheirAddressesAndNoOthers() throws {
        let ten = try #require(AddressRange("10.0.0.0/8"))
        #expect(ten.contains("10.255.1.2"))
        #expect(!ten.contains("11.0.0.1"))
        #expect(ten.contains("::ffff:10.1.2.3"))
        let host = try #require(AddressRange("127.0.0.1"))
        #expect(host.contains("127.0.0.1") && !host.contains("127.0.0.2"))
        let v6 = try #require(AddressRange("fd00::/8"))
        #expect(v6.contains("fd12:3456::1") && !v6.contains("fe80::1") && !v6.contains("10.0.0.1"))
        #expect(try #require(AddressRange("::1")).contains("[::1]"))
        #expect(try #require(AddressRange("0.0.0.0/0")).contains("203.0.113.9"))
        #expect(AddressRange("192.168.1.77/24")?.description == "192.168.1.0/24")
    }

    @Test(arguments: ["", "10.0.0.0/33", "10.0.0/8", "example.com", "10.0.0.0/", "::1/129", "10.0.0.0/-1", "1.2.3.4/٣"])
    func nonsenseIsNotARange(_ text: String) {
        #expect(AddressRange(text) == nil)
    }

    @Test func aBadTrustedProxyIsNamedByTheValidation() {
        var configuration = HubConfiguration()
        configuration.server.trustedProxies = ["127.0.0.1", "nonsense"]
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.server.trustedProxies = ["127.0.0.1", "10.0.0.0/8"]
        #expect(throws: Never.self) { try configuration.validate() }
    }
}
