public import Hummingbird
public import NIOCore

/// The per-request context: Hummingbird's core storage plus the connection, so streaming handlers
/// can close their socket on shutdown and the security layer can see the peer address.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext, OriginRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    /// The client, as trusted proxies forward it (see `RequestOrigin`).
    var origin: RequestOrigin

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        origin = RequestOrigin(clientAddress: source.channel.remoteAddress?.ipAddress)
    }

    public var remoteAddress: SocketAddress? { channel.remoteAddress }
    /// The client's address for logs and access rules: the forwarded one from a trusted proxy.
    var clientAddress: String? { origin.clientAddress }
}
