import AsyncHTTPClient
import Foundation
import HTTPTypes
public import HummingbirdWSClient
public import Logging
public import NIOCore
import NIOHTTP1

/// Socket.IO sessions across the site without sticky sessions. A session lives on the hub that
/// opened it, and its id says which one: `<20 random characters>.<node id>`. A round-robin
/// balancer sends the session's next long poll, POST or WebSocket upgrade to any hub; a hub that
/// does not hold the session hands the request to the hub named in the id, with the node secret,
/// and answers with what that hub answered. A WebSocket is relayed message by message.
///
/// A request that carries the node secret is never handed on again, so two hubs cannot pass a
/// request back and forth. A session whose hub is gone is unknown, and the client reconnects.
public struct SessionForwarder: Sendable {
    let membership: ClusterMembership
    let secret: NodeSecret

    public init(membership: ClusterMembership, secret: NodeSecret) {
        self.membership = membership
        self.secret = secret
    }

    /// What this hub appends to its session ids.
    public var sessionTag: String { membership.node.id }

    /// The node id a session id names, when it names one.
    public static func nodeID(ofSession sid: String) -> Substring? {
        guard let dot = sid.lastIndex(of: "."), dot != sid.index(before: sid.endIndex) else { return nil }
        return sid[sid.index(after: dot)...]
    }

    /// The live hub that holds the session, when it is another one.
    public func owner(ofSession sid: String) async -> ClusterMembership.Peer? {
        guard let nodeID = Self.nodeID(ofSession: sid), nodeID != membership.node.id else { return nil }
        return await membership.peer(nodeID: String(nodeID))
    }

    /// The owner's answer to a forwarded request.
    public struct Answer: Sendable {
        public let status: Int
        public let contentType: String?
        public let body: ByteBuffer
    }

    /// Hands a long poll (`body` nil: a GET) or a POST of packets to the session's hub.
    /// `timeout` must outlast a long poll (the ping interval).
    public func forward(
        pathAndQuery: String, body: ByteBuffer?, contentType: String?, to owner: ClusterMembership.Peer, timeout: Duration,
        maxAnswerBytes: Int
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: owner.address + pathAndQuery)
        request.headers.add(name: NodeSecret.header, value: secret.value)
        if let body {
            request.method = .POST
            request.body = .bytes(body)
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        }
        let seconds = timeout.components.seconds
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(seconds))
        let answer = try await response.body.collect(upTo: maxAnswerBytes)
        return Answer(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"), body: answer)
    }

    /// Relays a WebSocket to the session's hub until either side closes: messages from the client
    /// go up as they came, the hub's go down.
    public func relay(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, pathAndQuery: String,
        to owner: ClusterMembership.Peer, maxMessageBytes: Int, logger: Logger
    ) async throws {
        let url = (owner.address.hasPrefix("https:") ? "wss:" : "ws:") + owner.address.drop { $0 != ":" }.dropFirst() + pathAndQuery
        var headers = HTTPFields()
        headers[HTTPField.Name(NodeSecret.header)!] = secret.value
        let downstreamLimit = max(maxMessageBytes, Self.largestHubMessage)
        let configuration = WebSocketClientConfiguration(maxFrameSize: downstreamLimit, additionalHeaders: headers)
        _ = try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { upstreamInbound, upstream, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in inbound.messages(maxSize: maxMessageBytes) {
                        try await upstream.write(Self.frame(message))
                    }
                }
                group.addTask {
                    for try await message in upstreamInbound.messages(maxSize: downstreamLimit) {
                        try await outbound.write(Self.frame(message))
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// The largest message a hub sends on a Socket.IO WebSocket that the relay passes on.
    static let largestHubMessage = 16 << 20
    /// The largest long-poll answer passed on (a poll carries every packet queued since the last).
    public static let largestAnswer = 64 << 20

    static func frame(_ message: WebSocketMessage) -> WebSocketOutboundWriter.OutboundFrame {
        switch message {
        case .text(let text): .text(text)
        case .binary(let bytes): .binary(bytes)
        }
    }
}
