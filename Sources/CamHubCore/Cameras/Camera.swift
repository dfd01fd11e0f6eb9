public import Foundation

/// A camera's stable identifier. Seed 003 cameras use positive integers written in decimal;
/// registered cameras get generated ids; local cameras take the id from the config.
public typealias CameraID = String

/// How a camera reached the hub. Every kind is listed, watched and managed through the same APIs.
public enum CameraKind: String, Sendable, Codable, CaseIterable {
    /// Declared in the config and captured by the hub itself (test pattern, USB, RTSP, file).
    case local
    /// Self-registered over REST (seed 000).
    case registered
    /// Pushes frames over the WebSocket binary protocol (seed 003).
    case pushed
    /// An edge AI device that reports detections (seed 002).
    case edge
}

public enum CameraState: String, Sendable, Codable, CaseIterable {
    case registered
    case active
    case inactive
    case stopped
    case error
}

/// One camera in the registry.
public struct Camera: Sendable, Equatable, Codable {
    public var id: CameraID
    public var name: String
    public var location: String
    public var kind: CameraKind
    /// Where frames come from: `testpattern`, a URL, a device path, or the ingest path's name.
    public var source: String
    public var state: CameraState
    public var capabilities: [String]
    public var metadata: [String: String]
    public var createdAt: Date
    public var lastSeenAt: Date?

    public init(
        id: CameraID, name: String, location: String = "", kind: CameraKind, source: String,
        state: CameraState = .registered, capabilities: [String] = [], metadata: [String: String] = [:],
        createdAt: Date = Date(), lastSeenAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.location = location
        self.kind = kind
        self.source = source
        self.state = state
        self.capabilities = capabilities
        self.metadata = metadata
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}
