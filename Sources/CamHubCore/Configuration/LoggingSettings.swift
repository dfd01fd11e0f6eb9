public struct LoggingSettings: Sendable, Equatable {
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public var level = "info"
    /// Log file, relative to the data dir unless absolute. Empty means console only.
    public var file = "camhub.log"

    public init() {}
}

extension LoggingSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case level, file
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        level = try c.value(.level, default: level)
        file = try c.value(.file, default: file)
    }
}
