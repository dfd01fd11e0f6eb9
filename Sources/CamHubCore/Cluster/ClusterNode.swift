public import Foundation

/// One hub of the site, as the others see it.
public struct ClusterNode: Sendable, Equatable, Codable {
    /// New at each start, so a hub that restarts is a new node and the old one's leases end.
    public var id: String
    /// Its own URL for the other hubs (`cluster.advertise_url`).
    public var address: String
    public var version: String
    public var startedAt: Date
    /// Its last heartbeat, by the database's clock (so the hubs' clocks need not agree).
    public var lastSeen: Date
    /// Whether it heartbeat within the lease time.
    public var alive: Bool
    /// The Socket.IO clients connected to it, as of its last heartbeat, so every hub can answer
    /// the site's count (seed 002's `connected_clients`).
    public var socketSessions: Int

    public init(id: String, address: String, version: String, startedAt: Date, lastSeen: Date, alive: Bool = true, socketSessions: Int = 0) {
        self.id = id
        self.address = address
        self.version = version
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.alive = alive
        self.socketSessions = socketSessions
    }

    /// A fresh id for a starting hub.
    public static func newID() -> String {
        "node-" + UUID().uuidString.prefix(8).lowercased()
    }
}

/// Which node captures a live camera now: the one that receives its frames (its push socket, its
/// local source) holds it, and renews it with every heartbeat, saying how the camera is doing.
public struct CameraLease: Sendable, Equatable {
    public var cameraID: CameraID
    public var nodeID: String
    public var expiresAt: Date
    /// The newest frame and the frame rate on the holder, as of its last heartbeat, so every hub
    /// answers the same status for the camera.
    public var liveness: CameraLiveness

    public init(cameraID: CameraID, nodeID: String, expiresAt: Date, liveness: CameraLiveness = CameraLiveness()) {
        self.cameraID = cameraID
        self.nodeID = nodeID
        self.expiresAt = expiresAt
        self.liveness = liveness
    }
}

/// How a camera's frames arrive at the hub that holds it.
public struct CameraLiveness: Sendable, Equatable {
    /// When the newest frame entered the site; nil before the first.
    public var lastFrameAt: Date?
    public var framesPerSecond: Double

    public init(lastFrameAt: Date? = nil, framesPerSecond: Double = 0) {
        self.lastFrameAt = lastFrameAt
        self.framesPerSecond = framesPerSecond
    }
}
