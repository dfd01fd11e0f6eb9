public import Hummingbird
public import HummingbirdWebSocket
public import NIOCore

/// The context of a request asking for a WebSocket upgrade: Hummingbird's core storage, the
/// upgrade's handler slot, and the connection, so the security layer can see the peer address.
public struct HubWebSocketContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<HubWebSocketContext>
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }

    public var remoteAddress: SocketAddress? { channel.remoteAddress }
}
