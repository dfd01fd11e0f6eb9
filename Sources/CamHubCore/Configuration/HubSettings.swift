public struct HubSettings: Sendable, Equatable {
    /// Recent frames kept per camera (the newest included).
    public var ringSize = 8
    /// Largest JPEG the hub accepts from any camera, in bytes.
    public var maxFrameBytes = 8 * 1024 * 1024
    /// Seconds without a heartbeat or a frame after which a camera counts as inactive.
    public var inactiveAfter = 300
    /// Bytes all push sockets together may hold in frames they have only partly received; a
    /// socket that would go past it is closed (1013) and may come back.
    public var maxPartialBytes = 256 * 1024 * 1024

    public init() {}
}

extension HubSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case ringSize = "ring_size"
        case maxFrameBytes = "max_frame_bytes"
        case inactiveAfter = "inactive_after"
        case maxPartialBytes = "max_partial_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        ringSize = try c.value(.ringSize, default: ringSize)
        maxFrameBytes = try c.value(.maxFrameBytes, default: maxFrameBytes)
        inactiveAfter = try c.value(.inactiveAfter, default: inactiveAfter)
        maxPartialBytes = try c.value(.maxPartialBytes, default: maxPartialBytes)
    }
}
