import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP reopens the log file, reads the TLS certificate and key again (certbot renewals), and
/// reloads the config file, as `POST /server/reload-config` does. SIGUSR1 logs every
/// camera's statistics; SIGUSR2 restarts the cameras' sources.
struct ConfigurationSignals: Service, CustomStringConvertible {
    /// Its name in the service group's logs (the default would print the whole hub).
    var description: String { "ConfigurationSignals" }

    let hub: Hub
    let tls: ServerTLS?
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigusr1, .sigusr2)
        await cancelWhenGracefulShutdown {
            for await signal in signals {
                switch signal {
                case .sighup:
                    // For logrotate: lines go to a new file once the old one was moved away.
                    hub.logFile?.reopen()
                    reloadCertificate()
                    do {
                        _ = try await hub.reloadConfigurationFile(logger: logger)
                    } catch {
                        logger.error("SIGHUP: the config file was not applied", metadata: ["error": "\(error)"])
                    }
                case .sigusr1:
                    logStatistics()
                case .sigusr2:
                    logger.notice("SIGUSR2: restarting the cameras", metadata: ["cameras": "\(hub.localCameras.restart())"])
                default:
                    break
                }
            }
        }
    }

    private func reloadCertificate() {
        guard let tls else { return }
        do {
            try tls.reload()
            logger.notice("SIGHUP: the TLS certificate was read again; new connections get it")
        } catch {
            logger.error("SIGHUP: the TLS certificate was not reloaded; the one in use stays", metadata: ["error": "\(error)"])
        }
    }

    /// One line per camera: the feed's counters, and for a local camera its capture's (seed 001).
    private func logStatistics() {
        let now = Date()
        for stats in hub.frames.statistics() {
            var metadata: Logger.Metadata = [
                "camera": "\(stats.cameraID)", "frames_in": "\(stats.framesIn)", "fps": "\(stats.framesPerSecond)",
                "viewers": "\(stats.viewers)", "delivered": "\(stats.framesDelivered)", "skipped": "\(stats.framesSkipped)",
            ]
            if let capture = hub.localCameras.statistics(for: stats.cameraID, now: now) {
                metadata["state"] = "\(capture.phase.rawValue)"
                metadata["frames_captured"] = "\(capture.framesCaptured)"
                metadata["frames_dropped"] = "\(capture.framesDropped)"
                metadata["connection_errors"] = "\(capture.connectionErrors)"
                metadata["reconnect_attempts"] = "\(capture.reconnectAttempts)"
                metadata["is_connected"] = "\(capture.isConnected)"
            }
            logger.notice("camera statistics", metadata: metadata)
        }
    }
}
