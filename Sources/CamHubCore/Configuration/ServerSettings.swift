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
    /// A request head must arrive within this many seconds of its first byte (of the connection's
    /// opening, for the first request), and a body must bring 1 KB in each such window.
    public var headerTimeoutSeconds = 10
    /// A keep-alive connection with no request under way is closed after this many seconds.
    public var idleTimeoutSeconds = 60
    /// Open connections the hub answers; past it, 503 (but `/health`). 0: three quarters of the
    /// process's file descriptor limit.
    public var maxConnections = 0
    /// Open connections from one client address (trusted proxies are exempt); past it, 503.
    public var maxConnectionsPerAddress = 256
    /// An MJPEG or SSE viewer whose socket has taken no bytes for this many seconds is dropped.
    public var stalledViewerSeconds = 30
    /// A WebSocket peer that has sent nothing (no message, no pong) for this many seconds is
    /// pinged, and closed when it stays silent as long again. A peer that sends is alive, whether
    /// or not it reads: seed 003's camera script never reads its socket.
    public var webSocketPingSeconds = 30
    /// HTTPS and WSS on `port` when a certificate and key are given.
    public var tls = TLSSettings()

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
        case headerTimeoutSeconds = "header_timeout_seconds"
        case idleTimeoutSeconds = "idle_timeout_seconds"
        case maxConnections = "max_connections"
        case maxConnectionsPerAddress = "max_connections_per_address"
        case stalledViewerSeconds = "stalled_viewer_seconds"
        case webSocketPingSeconds = "websocket_ping_seconds"
        case tls
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
        try c.encode(headerTimeoutSeconds, forKey: .headerTimeoutSeconds)
        try c.encode(idleTimeoutSeconds, forKey: .idleTimeoutSeconds)
        try c.encode(maxConnections, forKey: .maxConnections)
        try c.encode(maxConnectionsPerAddress, forKey: .maxConnectionsPerAddress)
        try c.encode(stalledViewerSeconds, forKey: .stalledViewerSeconds)
        try c.encode(webSocketPingSeconds, forKey: .webSocketPingSeconds)
        try c.encode(tls, forKey: .tls)
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
        headerTimeoutSeconds = try c.value(.headerTimeoutSeconds, default: headerTimeoutSeconds)
        idleTimeoutSeconds = try c.value(.idleTimeoutSeconds, default: idleTimeoutSeconds)
        maxConnections = try c.value(.maxConnections, default: maxConnections)
        maxConnectionsPerAddress = try c.value(.maxConnectionsPerAddress, default: maxConnectionsPerAddress)
        stalledViewerSeconds = try c.value(.stalledViewerSeconds, default: stalledViewerSeconds)
        webSocketPingSeconds = try c.value(.webSocketPingSeconds, default: webSocketPingSeconds)
        tls = try c.value(.tls, default: tls)
    }
}
