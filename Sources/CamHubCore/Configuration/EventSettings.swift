/// How long the hub keeps events, and how much disk their clips may take (`events` in the config).
public struct EventSettings: Sendable, Equatable {
    /// Events that started longer ago than this are removed, with their pictures and clips; 0 keeps them.
    public var retentionDays = 30.0
    /// The clips on this hub's disk take at most this many bytes: past it the oldest clips are
    /// removed (their events stay, with `clip_url` null). 0 means no limit.
    public var maxBytes: Int64 = 10 * 1024 * 1024 * 1024
    /// Keep a clip of each motion event (read at start).
    public var clips = true

    public init() {}

    /// The first bad setting, as its key and why.
    public var problem: (key: String, message: String)? {
        if !(0...36500).contains(retentionDays) { return ("events.retention_days", "must be between 0 (keep) and 36500, got \(retentionDays)") }
        if maxBytes != 0 && maxBytes < 1024 * 1024 { return ("events.max_bytes", "must be 0 (no limit) or at least 1048576, got \(maxBytes)") }
        return nil
    }
}

extension EventSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case retentionDays = "retention_days"
        case maxBytes = "max_bytes"
        case clips
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        retentionDays = try c.value(.retentionDays, default: retentionDays)
        maxBytes = try c.value(.maxBytes, default: maxBytes)
        clips = try c.value(.clips, default: clips)
    }
}
