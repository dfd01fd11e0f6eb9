import CamHubCore
import Foundation
import Logging

/// Sends logs to standard error and, when configured, to the log file.
enum LogSetup {
    static func bootstrap(configuration: HubConfiguration, paths: HubPaths) throws -> Logger {
        let level = Logger.Level(rawValue: configuration.logging.level) ?? .info
        let sink = try configuration.logging.file.isEmpty ? nil : FileLogHandler.Sink(url: paths.resolve(configuration.logging.file))
        LoggingSystem.bootstrap { label in
            var handlers: [any LogHandler] = [StreamLogHandler.standardError(label: label)]
            if let sink { handlers.append(FileLogHandler(label: label, sink: sink)) }
            var handler = MultiplexLogHandler(handlers)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "camhub")
    }
}
