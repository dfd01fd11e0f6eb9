import CamHubCore
import Foundation
import Logging

/// Sends logs to standard error and, when configured, to the log file.
enum LogSetup {
    /// The logger, and the log file (nil for console only) so SIGHUP can reopen it.
    static func bootstrap(configuration: HubConfiguration, paths: HubPaths) -> (Logger, LogFile?) {
        let level = Logger.Level(rawValue: configuration.logging.level) ?? .info
        let logging = configuration.logging
        // Never fatal: a file that cannot be written is said once on standard error.
        let file = logging.file.isEmpty
            ? nil : LogFile(settings: .init(url: paths.resolve(logging.file), maxBytes: logging.maxBytes, keep: logging.keep))
        LoggingSystem.bootstrap { label in
            var handlers: [any LogHandler] = [StreamLogHandler.standardError(label: label)]
            if let file { handlers.append(FileLogHandler(label: label, file: file)) }
            var handler = MultiplexLogHandler(handlers)
            handler.logLevel = level
            return handler
        }
        return (Logger(label: "camhub"), file)
    }
}
