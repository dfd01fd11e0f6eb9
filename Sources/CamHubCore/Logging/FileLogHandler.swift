import Foundation
public import Logging

/// A swift-log handler that appends one line per message to a `LogFile`.
///
/// All handlers share one `LogFile`, whose lock serialises writes, so lines from concurrent tasks
/// never interleave.
public struct FileLogHandler: LogHandler {
    private let label: String
    private let file: LogFile
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init(label: String, file: LogFile) {
        self.label = label
        self.file = file
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        file.write("\(time) \(event.level) \(label): \(event.message)\(fields)\n")
    }
}
