import CamHubCore
import Foundation

/// `GET /cameras/{id}/status`: the seed 000 listing fields plus the camera's settings and stats,
/// and seed 004's status fields (`width`, `height`, `fps`, `is_running`, `frame_available`,
/// `smframe_available`).
struct CameraStatusJSON: Encodable {
    let camera: Camera
    let hub: Hub
    let pendingCommands: Int

    enum CodingKeys: String, CodingKey {
        case cameraID = "camera_id"
        case name, location, kind, status, config, stats, capture, refused
        case registeredAt = "registered_at"
        case lastHeartbeat = "last_heartbeat"
        case frameCount = "frame_count"
        case uptimeSeconds = "uptime_seconds"
        case lastError = "last_error"
        case pendingCommands = "pending_commands"
        case width, height, fps
        case isRunning = "is_running"
        case frameAvailable = "frame_available"
        case smframeAvailable = "smframe_available"
    }

    struct Config: Encodable {
        let settings: CameraSettings
        let capabilities: [String]

        enum CodingKeys: String, CodingKey {
            case resolution, fps, capabilities, task, question, url
            case sourceType = "source_type"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            if let width = settings.width, let height = settings.height {
                try c.encode([width, height], forKey: .resolution)
            } else {
                try c.encodeNil(forKey: .resolution)
            }
            try c.encode(settings.fps, forKey: .fps)
            try c.encode(capabilities, forKey: .capabilities)
            try c.encode(settings.task, forKey: .task)
            try c.encode(settings.question, forKey: .question)
            try c.encode(settings.sourceType, forKey: .sourceType)
            try c.encode(settings.url, forKey: .url)
        }
    }

    struct Stats: Encodable {
        let framesReceived: UInt64
        let fps: Double
        let viewers: Int

        enum CodingKeys: String, CodingKey {
            case fps, viewers
            case framesReceived = "frames_received"
        }
    }

    func encode(to encoder: any Encoder) throws {
        let now = Date()
        let stats = hub.frames.existingFeed(for: camera.id)?.statistics()
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(camera.id, forKey: .cameraID)
        try c.encode(camera.name, forKey: .name)
        try c.encode(camera.location, forKey: .location)
        try c.encode(camera.kind.rawValue, forKey: .kind)
        try c.encode(hub.status(of: camera, now: now).rawValue, forKey: .status)
        try c.encode(JSONText.timestamp(camera.createdAt), forKey: .registeredAt)
        try c.encode(JSONText.timestamp(camera.lastHeartbeat), forKey: .lastHeartbeat)
        try c.encode(max(UInt64(camera.reportedFrameCount), stats?.framesIn ?? 0), forKey: .frameCount)
        try c.encode(now.timeIntervalSince(camera.createdAt), forKey: .uptimeSeconds)
        try c.encode(camera.lastError, forKey: .lastError)
        try c.encode(pendingCommands, forKey: .pendingCommands)
        let newest = hub.frames.existingFeed(for: camera.id)?.newest
        try c.encode(newest?.width ?? camera.settings.width, forKey: .width)
        try c.encode(newest?.height ?? camera.settings.height, forKey: .height)
        try c.encode(hub.framesPerSecond(of: camera.id, here: stats), forKey: .fps)
        try c.encode(camera.state != .stopped && hub.status(of: camera, now: now) == .active, forKey: .isRunning)
        // The 320x320 small frame is made on request from the newest frame.
        try c.encode(newest != nil, forKey: .frameAvailable)
        try c.encode(newest != nil, forKey: .smframeAvailable)
        try c.encode(Config(settings: camera.settings, capabilities: camera.capabilities), forKey: .config)
        try c.encode(
            Stats(
                framesReceived: stats?.framesIn ?? 0,
                fps: hub.framesPerSecond(of: camera.id, here: stats),
                viewers: stats?.viewers ?? 0
            ),
            forKey: .stats
        )
        if let capture = hub.localCameras.statistics(for: camera.id, now: now) {
            try c.encode(CaptureStatsJSON(capture, now: now), forKey: .capture)
        }
        try c.encode(hub.refusals.summary(for: camera.id).map(Refused.init), forKey: .refused)
    }

    /// What the hub refused from the camera while it was stopped; null when nothing was.
    struct Refused: Encodable {
        let count: Int
        let lastAt: String
        let lastReason: String

        init(_ summary: IngestRefusals.Summary) {
            count = summary.count
            lastAt = JSONText.timestamp(summary.lastAt)
            lastReason = summary.lastReason
        }

        enum CodingKeys: String, CodingKey {
            case count
            case lastAt = "last_at"
            case lastReason = "last_reason"
        }
    }
}
