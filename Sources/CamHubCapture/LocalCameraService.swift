public import CamHubCore
public import Logging
public import ServiceLifecycle

/// Runs one configured camera's source for the hub's whole lifetime, publishing into its feed.
///
/// A failing source is logged and started again after `retryDelay`; graceful shutdown cancels the
/// source and ends `run()`.
public struct LocalCameraService: Service {
    public let settings: LocalCameraSettings
    public let feed: CameraFeed
    public let logger: Logger
    public var retryDelay: Duration = .seconds(2)

    public init(settings: LocalCameraSettings, feed: CameraFeed, logger: Logger) {
        self.settings = settings
        self.feed = feed
        self.logger = logger
    }

    public func run() async throws {
        let source = try settings.makeSource()
        logger.info("camera started", metadata: ["camera": "\(settings.id)", "source": "\(settings.source)"])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await source.run(into: feed)
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("camera source failed", metadata: ["camera": "\(settings.id)", "error": "\(error)"])
                    try? await Task.sleep(for: retryDelay)
                }
            }
        }
        logger.info("camera stopped", metadata: ["camera": "\(settings.id)"])
    }
}
