public struct LoggingSettings: Sendable, Equatable {
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public var level = "info"
    /// Log file, relative to the data dir unless absolute. Empty means console only.
    public var file = "camhub.log"
    /// The file is rotated when it would grow past this many bytes; 0 never rotates.
    public var maxBytes = 10 * 1024 * 1024
    /// Rotated files kept beside it (`camhub.log.1` is the newest).
    public var keep = 5
    /// Every HTTP request at info: client, method, path, status and duration.
    public var access = false

    public init() {}
}

extension LoggingSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case level, file
        case maxBytes = "max_bytes"
        case keep, access
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        level = try c.value(.level, default: level)
        file = try c.value(.file, default: file)
        maxBytes = try c.value(.maxBytes, default: maxBytes)
        keep = try c.value(.keep, default: keep)
        access = try c.value(.access, default: access)
    }
}
