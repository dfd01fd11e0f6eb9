import NIOCore
import NIOWebSocket

/// Writes several text messages to an upgraded WebSocket channel with one flush.
///
/// swift-websocket's writer flushes every message it writes: one `writev` and one hop to the
/// event loop each. A Socket.IO client that keeps many events in flight is answered with two
/// messages per event (the answer event and the acknowledgement), and those per-message flushes
/// were the largest single cost of `bench/lpr_events.py` over one connection. Here the messages
/// that are queued together go to the frame encoder in one event-loop turn, then one flush.
///
/// The frames enter the pipeline at its tail, as swift-websocket's own do, so they pass the same
/// frame encoder; no extension is negotiated on these sockets, so there is nothing else to apply.
/// The call returns once the last message has been handed to the socket, which is the back
/// pressure: a client that does not read holds the writer here, and its session's bounded queue
/// does the rest.
enum WebSocketTextBatch {
    static func write(_ messages: [String], on channel: any Channel) async throws {
        guard !messages.isEmpty else { return }
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.eventLoop.execute {
            for (index, message) in messages.enumerated() {
                let frame = WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: message))
                channel.write(frame, promise: index == messages.count - 1 ? written : nil)
            }
            channel.flush()
        }
        try await written.futureResult.get()
    }
}
