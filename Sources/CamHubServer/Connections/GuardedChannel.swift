import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL

/// Hummingbird's HTTP/1 channel with WebSocket upgrades, with a `ConnectionGuard` in front of its
/// pipeline, so every connection is limited before its bytes reach the HTTP decoder, and TLS in
/// front of that when `server.tls` is set.
struct GuardedChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let inner: HTTP1WebSocketUpgradeChannel
    let settings: ConnectionGuard.Settings
    let counts: ConnectionCounts
    /// HTTPS and WSS: the TLS handler goes first, with the certificate in use when the connection opened.
    let tls: ServerTLS?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionGuard(settings: settings, counts: counts, logger: logger), position: .first)
            if let tls {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.current), position: .first)
            }
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
