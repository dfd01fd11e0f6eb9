import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP reloads the config file, as `POST /server/reload-config` does. SIGUSR1 logs every
/// camera's statistics; SIGUSR2 restarts the cameras' sources.
struct ConfigurationSignals: Service, CustomStringConvertible {
    /// Its name in the service group's logs (the default would print the whole hub).
    var description: String { "ConfigurationSignals" }

    let hub: Hub
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigusr1, .sigusr2)
        await cancelWhenGracefulShutdown {
            for await signal in signals {
                switch signal {
                case .sighup:
                    do {
                        _ = try await hub.reloadConfigurationFile(logger: logger)
                    } catch {
                        logger.error("SIGHUP: the config file was not applied", metadata: ["error": "\(error)"])
                    }
                case .sigusr1:
                    for stats in hub.frames.statistics() {
                        logger.notice(
                            "camera statistics",
                            metadata: [
                                "camera": "\(stats.cameraID)", "frames_in": "\(stats.framesIn)", "fps": "\(stats.framesPerSecond)",
                                "viewers": "\(stats.viewers)", "delivered": "\(stats.framesDelivered)", "skipped": "\(stats.framesSkipped)",
                            ]
                        )
                    }
                case .sigusr2:
                    logger.notice("SIGUSR2: restarting the cameras", metadata: ["cameras": "\(hub.localCameras.restart())"])
                default:
                    break
                }
            }
        }
    }
}
