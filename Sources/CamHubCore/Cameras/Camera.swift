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
    /// A network source (`http(s)://`, `rtsp(s)://`) declared for the whole site through the API;
    /// one hub of the site captures it at a time.
    case network

    /// Whether a hub captures the camera's source itself (rather than being sent its frames).
    public var isCaptured: Bool { self == .local || self == .network }
}

public enum CameraState: String, Sendable, Codable, CaseIterable {
    case registered
    case active
    case inactive
    case stopped
    case error
    /// An on-demand local camera that nobody watches: its source is stopped until a viewer comes.
    case idle
}

/// One camera in the registry.
public struct Camera: Sendable, Equatable {
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
    /// The last heartbeat (or other sign of life the camera sent itself).
    public var lastSeenAt: Date?
    /// What the camera declared at registration, as changed since by commands.
    public var settings: CameraSettings
    /// The frame count the camera itself last reported.
    public var reportedFrameCount: Int
    public var lastError: String?
    /// SHA-256 of the camera's API key, hex; nil for cameras that have no key. The key itself is
    /// never stored.
    public var keyHash: String?
    /// Credentials given at registration (such as an RTSP password), sealed with the hub's data key.
    /// They are never returned by the API nor logged.
    public var sealedCredentials: String?

    /// Seed 000's `last_heartbeat`: the last time the camera was heard from, or its registration
    /// (the original sets both at once).
    public var lastHeartbeat: Date { lastSeenAt ?? createdAt }

    public init(
        id: CameraID, name: String, location: String = "", kind: CameraKind, source: String,
        state: CameraState = .registered, capabilities: [String] = [], metadata: [String: String] = [:],
        createdAt: Date = Date(), lastSeenAt: Date? = nil, settings: CameraSettings = CameraSettings(),
        reportedFrameCount: Int = 0, lastError: String? = nil, keyHash: String? = nil, sealedCredentials: String? = nil
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
        self.settings = settings
        self.reportedFrameCount = reportedFrameCount
        self.lastError = lastError
        self.keyHash = keyHash
        self.sealedCredentials = sealedCredentials
    }
}

/// A camera's declared capture settings and analysis task.
public struct CameraSettings: Sendable, Equatable, Codable {
    /// `rtsp`, `http`, `mjpeg`, `usb` or `file` for registered cameras.
    public var sourceType: String?
    public var url: String?
    public var width: Int?
    public var height: Int?
    public var fps: Int?
    /// `caption`, `vqa` or `motion`.
    public var task: String?
    public var question: String?
    /// Motion settings that differ from the top-level ones (`PUT /cameras/{id}/motion`).
    public var motion: MotionOverrides?

    public init(
        sourceType: String? = nil, url: String? = nil, width: Int? = nil, height: Int? = nil,
        fps: Int? = nil, task: String? = nil, question: String? = nil, motion: MotionOverrides? = nil
    ) {
        self.motion = motion
        self.sourceType = sourceType
        self.url = url
        self.width = width
        self.height = height
        self.fps = fps
        self.task = task
        self.question = question
    }

    enum CodingKeys: String, CodingKey {
        case url, width, height, fps, task, question, motion
        case sourceType = "source_type"
    }
}
