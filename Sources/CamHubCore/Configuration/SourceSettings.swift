/// Where cameras may read from when they are set through the API (`sources` in the config).
public struct SourceSettings: Sendable, Equatable, Codable {
    /// `PUT /config` may name sources that read this machine's files and devices (`file:`,
    /// `/dev/video…`, `ffmpeg:` with a path). Off: only the config file itself may, so a process
    /// that may call the API cannot make the hub serve a local file. Changed in the file only.
    public var allowLocal = false

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case allowLocal = "allow_local"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        allowLocal = try c.value(.allowLocal, default: allowLocal)
    }
}
