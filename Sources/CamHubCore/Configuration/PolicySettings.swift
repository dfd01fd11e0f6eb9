/// Automatic commands.
public struct PolicySettings: Sendable, Equatable {
    public var highCPU = HighCPUPolicySettings()

    public init() {}
}

extension PolicySettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case highCPU = "high_cpu"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        highCPU = try c.value(.highCPU, default: highCPU)
    }
}

/// `policy.high_cpu` in the config.
public struct HighCPUPolicySettings: Sendable, Equatable {
    public var enabled = false
    /// Hub CPU use, in percent of all cores, at or above which cameras are asked to slow down.
    public var cpuPercent = 85
    public var intervalSeconds = 10
    /// Cameras are never asked to go below this.
    public var minFPS = 5
    public var cooldownSeconds = 60

    public init() {}
}

extension HighCPUPolicySettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case cpuPercent = "cpu_percent"
        case intervalSeconds = "interval_seconds"
        case minFPS = "min_fps"
        case cooldownSeconds = "cooldown_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        enabled = try c.value(.enabled, default: enabled)
        cpuPercent = try c.value(.cpuPercent, default: cpuPercent)
        intervalSeconds = try c.value(.intervalSeconds, default: intervalSeconds)
        minFPS = try c.value(.minFPS, default: minFPS)
        cooldownSeconds = try c.value(.cooldownSeconds, default: cooldownSeconds)
    }
}
