/// Self-registration (seed 000), open by design so existing cameras keep working.
public struct RegistrationSettings: Sendable, Equatable {
    /// A shared enrollment token; when set, `POST /register` without it is refused.
    public var token: String? = nil

    public init() {}
}

extension RegistrationSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case token
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        token = try c.value(.token, default: token)
    }

    /// Written out so `token` appears as `null` in the first-run file rather than missing.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(token, forKey: .token)
    }
}
