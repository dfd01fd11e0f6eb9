import Foundation
import Synchronization

/// Hub events for the web page (stored detections, analysis results), fanned out to every live
/// socket. Each subscriber keeps at most `bufferSize` events; a slow one loses the oldest.
public final class LiveEvents: Sendable {
    public static let bufferSize = 100
    public init() {}

    private let subscribers = Mutex<[UUID: AsyncStream<String>.Continuation]>([:])

    /// True while someone listens, so an event nobody would receive need not be built.
    public var hasSubscribers: Bool { subscribers.withLock { !$0.isEmpty } }

    /// A stream of event JSON texts, ending when the caller stops iterating it.
    public func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(Self.bufferSize))
        let id = UUID.random()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// Sends `{"type": type, "data": <json>}` to every subscriber.
    public func publish(_ type: String, _ json: String) {
        let text = #"{"type":"# + JSONText.string(type) + #","data":"# + json + "}"
        for continuation in subscribers.withLock({ Array($0.values) }) {
            continuation.yield(text)
        }
    }

    /// Ends every stream, at shutdown.
    public func finishAll() {
        for continuation in subscribers.withLock({ Array($0.values) }) {
            continuation.finish()
        }
    }
}
