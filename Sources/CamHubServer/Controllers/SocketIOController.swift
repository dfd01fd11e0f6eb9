import CamHubCluster
import CamHubSocketIO
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle

/// `/socket.io/`: Engine.IO v4 over HTTP long-polling and WebSocket, with the upgrade from one to
/// the other, for the Socket.IO server in `hub.socketIO`.
///
/// - GET without `sid`: the handshake (the open packet). GET with `sid`: a long poll.
/// - POST with `sid`: packets from the client, answered `ok`.
/// - A WebSocket without `sid` starts a session on WebSocket alone; with the `sid` of a polling
///   session it is the upgrade (`2probe` → `3probe`, then `5`).
struct SocketIOController {
    let hub: Hub

    var server: SocketIOServer { hub.socketIO }

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("socket.io", use: poll)
        routes.post("socket.io", use: post)
        return routes
    }

    /// Engine.IO's own error shape (`code`, `message`) beside camhub's `error` object.
    static func engineError(_ code: Int, _ message: String) -> Response {
        let body = #"{"code":\#(code),"message":"\#(message)","error":{"code":"engine_io","message":"\#(message)"}}"#
        return Response(
            status: .badRequest, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }

    static func text(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=UTF-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Checks `EIO=4` and the transport; the error response when they are wrong.
    static func checkQuery(_ request: Request, transport expected: String) -> Response? {
        let query = request.uri.queryParameters
        guard query["EIO"].map(String.init) == "4" else { return engineError(5, "Unsupported protocol version") }
        guard let transport = query["transport"].map(String.init), ["polling", "websocket"].contains(transport) else {
            return engineError(0, "Transport unknown")
        }
        guard transport == expected else { return engineError(3, "Bad request") }
        return nil
    }

    @Sendable func poll(_ request: Request, context: HubRequestContext) async throws -> Response {
        if let error = Self.checkQuery(request, transport: "polling") { return error }
        guard let sid = request.uri.queryParameters["sid"].map(String.init) else {
            let session = server.openSession(
                transport: .polling, query: Self.query(request), remoteAddress: context.clientAddress
            )
            return Self.text(server.openPacket(for: session))
        }
        guard let session = server.session(sid) else { return await handOn(request, sid: sid, body: nil, context: context) }
        do {
            let packets = try await withGracefulShutdownHandler {
                try await session.poll()
            } onGracefulShutdown: {
                session.close(goingAway: true)
            }
            return Self.text(EngineIOPayload.encode(packets))
        } catch let error as EngineIOSession.PollError {
            switch error {
            case .overlappingPoll:
                await server.close(session)
                return Self.engineError(3, "Bad request")
            case .wrongTransport:
                return Self.engineError(3, "Bad request")
            case .closed:
                await server.close(session)
                // At shutdown a noop, not a close: the clients treat a close (or a Socket.IO
                // disconnect) as final and would never come back to the restarted hub. Their next
                // poll fails, and they reconnect.
                return Self.text(EngineIOPacket(session.isGoingAway ? .noop : .close).encoded)
            }
        }
    }

    @Sendable func post(_ request: Request, context: HubRequestContext) async throws -> Response {
        if let error = Self.checkQuery(request, transport: "polling") { return error }
        guard let sid = request.uri.queryParameters["sid"].map(String.init) else { return Self.engineError(1, "Session ID unknown") }
        guard let session = server.session(sid) else {
            let body = try await request.collectBody(limit: server.settings.maxPayload, what: "payload")
            return await handOn(request, sid: sid, body: body, context: context)
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(limit: server.settings.maxPayload, what: "payload")
        } catch {
            await server.close(session)
            throw error
        }
        do {
            let packets = try EngineIOPayload.decode(String(buffer: body))
            try await server.receive(packets, on: session)
        } catch {
            context.logger.notice("Socket.IO client sent garbage; session closed", metadata: ["sid": "\(sid)", "error": "\(error)"])
            await server.close(session)
            return Self.engineError(3, "Bad request")
        }
        return Self.text("ok")
    }

    /// A poll or POST for a session this hub does not hold: handed to the hub that does (its id
    /// says which), unless it came from a hub already. A hub that is gone or does not answer makes
    /// the session unknown, and the client reconnects. A hand-on never holds this hub's shutdown
    /// up: it is given up then, and a poll is answered with a noop, so the client polls again
    /// (through a hub that is still there).
    func handOn(_ request: Request, sid: String, body: ByteBuffer?, context: HubRequestContext) async -> Response {
        guard !hub.isFromNode(request), let owner = await hub.sessions.owner(ofSession: sid) else {
            return Self.engineError(1, "Session ID unknown")
        }
        let timeout = server.settings.pingInterval + server.settings.pingTimeout + .seconds(10)
        do {
            let answer = try await cancelWhenGracefulShutdown {
                try await hub.sessions.forward(
                    pathAndQuery: request.uri.description, body: body, contentType: request.headers[.contentType], to: owner,
                    timeout: timeout, maxAnswerBytes: SessionForwarder.largestAnswer
                )
            }
            var headers: HTTPFields = [.cacheControl: "no-store"]
            headers[.contentType] = answer.contentType
            return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: answer.body))
        } catch where body == nil && Task.isShuttingDownGracefully {
            return Self.text(EngineIOPacket(.noop).encoded)
        } catch {
            context.logger.notice("the hub that holds a Socket.IO session did not answer", metadata: [
                "sid": "\(sid)", "hub": "\(owner.address)", "error": "\(error)",
            ])
            return Self.engineError(1, "Session ID unknown")
        }
    }

    static func query(_ request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        return query
    }

    // MARK: WebSocket

    /// Decides on a WebSocket upgrade of `/socket.io/`: a fresh session, the upgrade of one of
    /// this hub's polling sessions, or of another hub's (relayed there).
    static func shouldUpgrade(_ request: Request, hub: Hub) async -> RouterShouldUpgrade {
        guard checkQuery(request, transport: "websocket") == nil else { return .dontUpgrade }
        if let sid = request.uri.queryParameters["sid"].map(String.init) {
            if let session = hub.socketIO.session(sid) { return session.transport == .polling ? .upgrade([:]) : .dontUpgrade }
            guard !hub.isFromNode(request), await hub.sessions.owner(ofSession: sid) != nil else { return .dontUpgrade }
        }
        return .upgrade([:])
    }

    /// One WebSocket: a fresh session, or the upgrade of a polling one (relayed to the hub that
    /// holds it when that is another).
    static func serveWebSocket(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, context: WebSocketRouterContext<HubWebSocketContext>,
        hub: Hub
    ) async throws {
        let server = hub.socketIO
        let session: EngineIOSession
        let upgrading: Bool
        if let sid = context.request.uri.queryParameters["sid"].map(String.init) {
            guard let existing = server.session(sid) else {
                guard let owner = await hub.sessions.owner(ofSession: sid) else { return }
                try await hub.sessions.relay(
                    inbound, outbound, pathAndQuery: context.request.uri.description, to: owner,
                    maxMessageBytes: server.settings.maxPayload, logger: context.logger
                )
                return
            }
            session = existing
            upgrading = true
        } else {
            upgrading = false
            session = server.openSession(
                transport: .websocket, query: query(context.request), remoteAddress: context.requestContext.clientAddress
            )
            try await outbound.write(.text(server.openPacket(for: session)))
        }
        // At shutdown the session is closed, which ends the writer, which ends the reader: a client
        // that has stopped reading cannot hold the hub open. The socket gets a plain close frame
        // (1000), never a Socket.IO disconnect, which clients take as final and never come back.
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let channel = context.requestContext.channel
                    while let packets = await session.nextForWebSocket() {
                        try await WebSocketTextBatch.write(packets, on: channel)
                    }
                }
                group.addTask {
                    // A socket that never completed its upgrade leaves the polling session alone;
                    // otherwise the session ends with its socket, which also ends the writer.
                    func endSession() async {
                        if session.transport == .polling {
                            session.cancelUpgrade()
                            session.wakeWebSocketWriter()
                        } else {
                            await server.close(session)
                        }
                    }
                    do {
                        try await readWebSocket(inbound, outbound: outbound, session: session, server: server, upgrading: upgrading)
                    } catch is CancellationError {
                        // The writer ended first (the session closed); the library closes the socket.
                    } catch {
                        guard let (code, reason) = closeCode(for: error) else {
                            // The library's own (a fragmented message too large, text that is not
                            // UTF-8) carries its close code: let it close the socket.
                            await endSession()
                            throw error
                        }
                        // The close code says what went wrong, so the client's log can tell a
                        // message that was too large from garbage.
                        context.logger.notice(
                            "Socket.IO WebSocket closed", metadata: ["sid": "\(session.id)", "code": "\(code)", "reason": "\(reason)"]
                        )
                        try? await outbound.close(code, reason: reason)
                    }
                    await endSession()
                }
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            session.close(goingAway: true)
        }
    }

    /// Why the hub ends a Socket.IO WebSocket, as a close frame.
    enum WebSocketViolation: Error {
        case tooLarge(bytes: Int, limit: Int)
        case binary
    }

    /// The close frame for a violation camhub found; nil for other errors.
    static func closeCode(for error: any Error) -> (WebSocketErrorCode, String)? {
        switch error {
        case WebSocketViolation.tooLarge(let bytes, let limit):
            (.messageTooLarge, "message of \(bytes) bytes is over lpr.max_payload_bytes (\(limit))")
        case WebSocketViolation.binary:
            (.unacceptableData, "binary messages are not supported")
        case SocketIOServer.ProtocolViolation.garbage(let reason):
            (.protocolError, String(reason.prefix(120)))
        case is EngineIOPacket.DecodingError:
            (.protocolError, "not an Engine.IO packet")
        default:
            nil
        }
    }

    private static func readWebSocket(
        _ inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, session: EngineIOSession, server: SocketIOServer, upgrading: Bool
    ) async throws {
        var upgrading = upgrading
        let limit = server.settings.maxPayload
        // `maxSize` bounds messages in fragments only; a message in one frame is checked here.
        for try await message in inbound.messages(maxSize: limit) {
            guard case .text(let text) = message else { throw WebSocketViolation.binary }
            guard text.utf8.count <= limit else { throw WebSocketViolation.tooLarge(bytes: text.utf8.count, limit: limit) }
            let packet = try EngineIOPacket(decoding: Substring(text))
            if upgrading {
                switch (packet.kind, packet.data) {
                case (.ping, "probe"):
                    guard session.beginUpgrade() else { return }
                    try await outbound.write(.text(EngineIOPacket(.pong, "probe").encoded))
                case (.upgrade, _):
                    guard session.completeUpgrade() else { return }
                    upgrading = false
                default:
                    throw SocketIOServer.ProtocolViolation.garbage("expected the upgrade probe, got packet type \(packet.kind.rawValue)")
                }
                continue
            }
            try await server.receive([packet], on: session)
        }
    }
}
