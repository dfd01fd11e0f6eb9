/// Several hubs on one PostgreSQL: how this hub is reached by the others, and how soon a hub that
/// stopped answering is given up.
public struct ClusterSettings: Sendable, Equatable {
    /// This hub's own URL for the other hubs (not the balancer's: that is `server.public_url`).
    /// Unset: `http://<server.host>:<server.port>`, with the machine's host name for `0.0.0.0`.
    public var advertiseURL: String? = nil
    /// How long a hub's cameras stay its own after its last heartbeat; it heartbeats three times
    /// in that time (at least once a second).
    public var leaseSeconds: Int = 5

    public init() {}

    /// How often this hub tells the others it is alive and renews its cameras' leases.
    public var heartbeatInterval: Duration {
        .milliseconds(max(1000, leaseSeconds * 1000 / 3))
    }
}

extension ClusterSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case advertiseURL = "advertise_url"
        case leaseSeconds = "lease_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        advertiseURL = try c.value(.advertiseURL, default: advertiseURL)
        leaseSeconds = try c.value(.leaseSeconds, default: leaseSeconds)
    }

    /// Written out so `advertise_url` appears as `null` in the first-run file rather than missing.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(advertiseURL, forKey: .advertiseURL)
        try c.encode(leaseSeconds, forKey: .leaseSeconds)
    }
}
