/// The WebSocket push ingest (seed 003).
public struct PushSettings: Sendable, Equatable {
    /// The secret camera tokens are derived from (HMAC-SHA256 of the camera id). When unset, the
    /// hub generates one at first start and keeps it in `<data-dir>/push.secret` (mode 0600).
    public var secret: String? = nil
    /// The original seed 003 server's `CAMERA_TOKEN_SECRET`: with it, the tokens that server issued
    /// (SHA-256 of the id's decimal text and this secret) are accepted too.
    public var legacySecret: String? = nil

    public init() {}
}

extension PushSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case secret
        case legacySecret = "legacy_secret"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        secret = try c.value(.secret, default: secret)
        legacySecret = try c.value(.legacySecret, default: legacySecret)
    }

    /// Written out so `secret` appears as `null` in the first-run file rather than missing.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(secret, forKey: .secret)
        try c.encode(legacySecret, forKey: .legacySecret)
    }
}
