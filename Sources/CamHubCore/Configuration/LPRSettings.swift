/// The LPR edge link (seed 002): Socket.IO and its REST fallback.
public struct LPRSettings: Sendable, Equatable {
    /// A shared token edge devices must present (Socket.IO `auth: {token}` or `?token=`, REST
    /// `Authorization: Bearer`). When unset the link is open, as in the seed.
    public var token: String? = nil
    /// Seconds between the server's Engine.IO pings.
    public var pingIntervalSeconds = 25
    /// Seconds a client has to answer a ping before its session is closed.
    public var pingTimeoutSeconds = 20
    /// The largest polling body or WebSocket message a Socket.IO client may send.
    public var maxPayloadBytes = 1_000_000

    public init() {}
}

extension LPRSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case token
        case pingIntervalSeconds = "ping_interval_seconds"
        case pingTimeoutSeconds = "ping_timeout_seconds"
        case maxPayloadBytes = "max_payload_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        token = try c.value(.token, default: token)
        pingIntervalSeconds = try c.value(.pingIntervalSeconds, default: pingIntervalSeconds)
        pingTimeoutSeconds = try c.value(.pingTimeoutSeconds, default: pingTimeoutSeconds)
        maxPayloadBytes = try c.value(.maxPayloadBytes, default: maxPayloadBytes)
    }

    /// Written out so `token` appears as `null` in the first-run file rather than missing.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(token, forKey: .token)
        try c.encode(pingIntervalSeconds, forKey: .pingIntervalSeconds)
        try c.encode(pingTimeoutSeconds, forKey: .pingTimeoutSeconds)
        try c.encode(maxPayloadBytes, forKey: .maxPayloadBytes)
    }
}
