public import Hummingbird
public import NIOCore

/// The per-request context: Hummingbird's core storage plus the connection, so streaming handlers
/// can close their socket on shutdown and the security layer can see the peer address.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    public var remoteAddress: SocketAddress? { channel.remoteAddress }
}
