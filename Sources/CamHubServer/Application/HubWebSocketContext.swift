public import Hummingbird
public import HummingbirdWebSocket
public import NIOCore

/// The context of a request asking for a WebSocket upgrade: Hummingbird's core storage, the
/// upgrade's handler slot, and the connection, so the security layer can see the peer address.
public struct HubWebSocketContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext, OriginRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<HubWebSocketContext>
    public let channel: any Channel
    /// The client, as trusted proxies forward it (see `RequestOrigin`).
    var origin: RequestOrigin

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
        origin = RequestOrigin(clientAddress: source.channel.remoteAddress?.ipAddress)
    }

    public var remoteAddress: SocketAddress? { channel.remoteAddress }
    /// The client's address for logs and access rules: the forwarded one from a trusted proxy.
    var clientAddress: String? { origin.clientAddress }
}
