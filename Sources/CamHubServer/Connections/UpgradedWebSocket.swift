import Logging
import NIOCore
import NIOWebSocket

/// What every upgraded WebSocket gets, right after the frame decoder: the word-wise unmasker
/// (`WebSocketUnmasker`) and the liveness check (`WebSocketLiveness`). Each route's handler calls
/// `prepare` first.
enum UpgradedWebSocket {
    static func prepare(_ channel: any Channel, pingPeriod: TimeAmount, logger: Logger) async {
        do {
            try await channel.eventLoop.submit {
                let pipeline = channel.pipeline.syncOperations
                let decoder = try pipeline.context(handlerType: ByteToMessageHandler<WebSocketFrameDecoder>.self)
                try pipeline.addHandlers([WebSocketUnmasker(), WebSocketLiveness(period: pingPeriod)], position: .after(decoder.handler))
            }.get()
        } catch {
            // Not seen in practice: the decoder is always there once upgraded.
            logger.warning("WebSocket set-up failed: no liveness check on this socket", metadata: ["error": "\(error)"])
        }
    }
}
