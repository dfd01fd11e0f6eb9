public import CamHubCore
public import Foundation

/// The running hub's shared parts, handed to every controller. One instance per application.
public struct Hub: Sendable {
    public let configuration: HubConfiguration
    public let paths: HubPaths
    public let frames: FrameHub
    public let cameras: any CameraRepository
    public let systemUsage: SystemUsage
    public let startedAt: Date
    /// MJPEG connections grouped by camera and event loop.
    let mjpegFanOuts = MJPEGFanOuts()

    public init(
        configuration: HubConfiguration, paths: HubPaths, frames: FrameHub, cameras: any CameraRepository,
        systemUsage: SystemUsage = SystemUsage(), startedAt: Date = Date()
    ) {
        self.configuration = configuration
        self.paths = paths
        self.frames = frames
        self.cameras = cameras
        self.systemUsage = systemUsage
        self.startedAt = startedAt
    }

    /// The camera the seed paths (`/video_feed`, `/stream`, `/api/frame`, ...) serve: the first
    /// configured local camera.
    public var defaultCameraID: CameraID {
        configuration.effectiveCameras[0].id
    }

    public var defaultCamera: LocalCameraSettings {
        configuration.effectiveCameras[0]
    }

    /// The feed of a camera that is in the registry, or a `not_found` error.
    public func feed(forRegisteredCamera id: CameraID) async throws -> CameraFeed {
        guard try await cameras.camera(id: id) != nil else {
            throw CamHubError.notFound("camera '\(id)' not found")
        }
        return frames.feed(for: id)
    }

    /// Seconds since the hub started.
    public var uptime: Double { Date().timeIntervalSince(startedAt) }

    /// A camera counts as live when its newest frame is at most this old.
    public static let liveFrameAge: Double = 10
}
