import CamHubCore
public import Foundation

/// What an agent remembers between runs: the identity the hub gave it. Kept in a 0600 file so a
/// restarted agent is the same camera, not a new one.
public struct AgentIdentity: Codable, Sendable, Equatable {
    public var hub: String
    public var cameraID: String
    public var apiKey: String

    public init(hub: String, cameraID: String, apiKey: String) {
        self.hub = hub
        self.cameraID = cameraID
        self.apiKey = apiKey
    }

    enum CodingKeys: String, CodingKey {
        case hub
        case cameraID = "camera_id"
        case apiKey = "api_key"
    }

    public static func load(from url: URL) -> AgentIdentity? {
        PrivateFile.removeTemporaries(of: url)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? JSONDecoder().decode(AgentIdentity.self, from: data)
    }

    public func save(to url: URL) throws {
        try PrivateFile.writeAtomically(try JSONEncoder().encode(self), to: url)
    }
}

/// Waits between retries: exponential from `initial` to `maximum`, with ±`jitter` so many agents
/// that lost the same hub do not all come back in the same instant.
public struct Backoff: Sendable {
    public var initial: Duration = .milliseconds(500)
    public var maximum: Duration = .seconds(30)
    public var jitter = 0.2
    public private(set) var failures = 0

    public init() {}

    /// The delay before the next try; each call counts one more failure.
    public mutating func nextDelay(random: Double = Double.random(in: -1...1)) -> Duration {
        let base = initial * (1 << min(failures, 16))
        failures += 1
        let capped = min(base, maximum)
        return capped * (1 + jitter * random)
    }

    public mutating func reset() {
        failures = 0
    }
}
