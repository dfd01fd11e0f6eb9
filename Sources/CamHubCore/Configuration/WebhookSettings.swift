import Foundation

/// A receiver of the hub's events (`webhooks` in the config): each event it asked for is POSTed
/// to its URL as JSON, signed with its secret.
public struct WebhookSettings: Sendable, Equatable {
    /// What a webhook may ask for.
    public static let eventTypes = ["motion_start", "motion_end", "detection", "camera_offline", "camera_online"]

    public var url: String
    /// The HMAC-SHA256 key of `X-Camhub-Signature`.
    public var secret: String
    /// The event types it gets; every type when the config leaves it out.
    public var events: [String]

    public init(url: String, secret: String, events: [String] = WebhookSettings.eventTypes) {
        self.url = url
        self.secret = secret
        self.events = events
    }

    public func wants(_ type: String) -> Bool { events.contains(type) }

    /// The first bad setting, as its key under `key` and why.
    public func problem(key: String) -> (key: String, message: String)? {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return ("\(key).url", "must be an http:// or https:// URL, got '\(URLCredentials.redact(url))'")
        }
        guard let parsed = URLComponents(string: url), let host = parsed.host, !host.isEmpty, parsed.user == nil, parsed.password == nil else {
            return ("\(key).url", "must be a URL with a host and no user or password, got '\(URLCredentials.redact(url))'")
        }
        if secret.count < 8 || secret.count > 512 { return ("\(key).secret", "must be 8 to 512 characters (the key that signs each body)") }
        if events.isEmpty { return ("\(key).events", "must name at least one of \(Self.eventTypes.joined(separator: ", "))") }
        if let unknown = events.first(where: { !Self.eventTypes.contains($0) }) {
            return ("\(key).events", "'\(unknown)' is not one of \(Self.eventTypes.joined(separator: ", "))")
        }
        return nil
    }
}

extension WebhookSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, secret, events
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init(url: try c.value(.url, default: ""), secret: try c.value(.secret, default: ""))
        events = try c.value(.events, default: events)
    }
}
