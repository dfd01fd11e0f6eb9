/// How many wrong credentials a client address may present (`security` in the config).
public struct SecuritySettings: Sendable, Equatable {
    /// Wrong credentials from one address within `window_seconds` after which it gets 429 until
    /// the oldest of them is out of the window; 0 turns the limit off.
    public var maxFailures = 10
    public var windowSeconds = 60

    public init() {}

    public var problem: (key: String, message: String)? {
        if !(0...10_000).contains(maxFailures) { return ("security.max_failures", "must be between 0 (no limit) and 10000, got \(maxFailures)") }
        if !(1...86_400).contains(windowSeconds) { return ("security.window_seconds", "must be between 1 and 86400, got \(windowSeconds)") }
        return nil
    }
}

extension SecuritySettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxFailures = "max_failures"
        case windowSeconds = "window_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        maxFailures = try c.value(.maxFailures, default: maxFailures)
        windowSeconds = try c.value(.windowSeconds, default: windowSeconds)
    }
}
