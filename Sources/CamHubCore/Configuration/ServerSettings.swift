import Foundation

public struct ServerSettings: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Base URL for links the hub hands out (such as a registered camera's endpoints); nil means
    /// "from the request's Host header".
    public var publicURL: String? = nil
    /// Requests from 127.0.0.0/8 and ::1 may skip operator credentials (PRODUCT.md, security stance).
    public var trustLoopback = true
    /// Largest request body the hub reads, in bytes (a base64 frame is a third larger than the JPEG).
    public var maxBodyBytes = 12 * 1024 * 1024
    /// Pages on these origins (`https://ops.example.com`) may call the API from a browser, and make
    /// changes; `*` lets any page read, but not change anything. Empty: this host's own page only.
    public var corsOrigins: [String] = []
    /// Host names the hub answers to (`camhub.example.com`, `*.example.com`); `*` is any. Others get
    /// 400, which also blunts DNS rebinding.
    public var trustedHosts: [String] = ["*"]
    /// Reverse proxies (addresses or CIDR ranges) whose `Forwarded` and `X-Forwarded-*` headers are
    /// believed: for the client's address (logs, loopback trust) and for the links handed to
    /// cameras. Empty: no forwarding header is believed.
    public var trustedProxies: [String] = []

    /// `trustedProxies`, parsed (validation has checked every entry).
    public var trustedProxyRanges: [AddressRange] { trustedProxies.compactMap(AddressRange.init) }

    public init() {}
}

extension ServerSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port
        case publicURL = "public_url"
        case trustLoopback = "trust_loopback"
        case maxBodyBytes = "max_body_bytes"
        case corsOrigins = "cors_origins"
        case trustedHosts = "trusted_hosts"
        case trustedProxies = "trusted_proxies"
    }

    /// Written out so `public_url` appears as `null` in the first-run file rather than missing.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(host, forKey: .host)
        try c.encode(port, forKey: .port)
        try c.encode(publicURL, forKey: .publicURL)
        try c.encode(trustLoopback, forKey: .trustLoopback)
        try c.encode(maxBodyBytes, forKey: .maxBodyBytes)
        try c.encode(corsOrigins, forKey: .corsOrigins)
        try c.encode(trustedHosts, forKey: .trustedHosts)
        try c.encode(trustedProxies, forKey: .trustedProxies)
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        host = try c.value(.host, default: host)
        port = try c.value(.port, default: port)
        publicURL = try c.value(.publicURL, default: publicURL)
        trustLoopback = try c.value(.trustLoopback, default: trustLoopback)
        maxBodyBytes = try c.value(.maxBodyBytes, default: maxBodyBytes)
        corsOrigins = try c.value(.corsOrigins, default: corsOrigins)
        trustedHosts = try c.value(.trustedHosts, default: trustedHosts)
        trustedProxies = try c.value(.trustedProxies, default: trustedProxies)
    }
}
