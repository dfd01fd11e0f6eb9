@testable import CamHubSocketIO
import Foundation
import Synchronization
import Testing

/// A handler that refuses the token "bad", greets a connected client with `welcome`, answers
/// `echo` with its first argument and joins `join`'s room, and records disconnects.
final class RecordingHandler: SocketIOEventHandler {
    let disconnects = Mutex(0)

    func connect(_ client: SocketIOClient, auth: String?) async throws {
        if auth?.contains("bad") == true { throw SocketIORefusal("Not authorized") }
    }

    func connected(_ client: SocketIOClient) async {
        client.emit("welcome", "true")
    }

    func event(_ name: String, arguments: [Any], from client: SocketIOClient, ack: SocketIOAck) async {
        switch name {
        case "echo":
            let data = try! JSONSerialization.data(withJSONObject: arguments.first ?? NSNull(), options: [.fragmentsAllowed])
            let json = String(decoding: data, as: UTF8.self)
            client.emit("echoed", json)
            ack.reply(json)
        case "join":
            client.join("lobby")
            ack.reply(nil)
        default:
            ack.reply(nil)
        }
    }

    func disconnect(_ client: SocketIOClient) async {
        disconnects.withLock { $0 += 1 }
    }
}

@Suite("Engine.IO sessions and Socket.IO sockets")
struct ServerTests {
    let handler = RecordingHandler()
    var server: SocketIOServer { SocketIOServer(settings: .init(pingInterval: .seconds(25), pingTimeout: .seconds(20)), handler: handler) }

    func packets(_ texts: String...) throws -> [EngineIOPacket] {
        try texts.map { try EngineIOPacket(decoding: Substring($0)) }
    }

    @Test func sessionIDsCarryTheHubsTag() {
        let tagged = SocketIOServer(handler: handler, sessionTag: "node-1a2b3c4d").openSession(transport: .polling, query: [:], remoteAddress: nil)
        #expect(tagged.id.hasSuffix(".node-1a2b3c4d") && tagged.id.count == 20 + 1 + 13)
        #expect(server.openSession(transport: .polling, query: [:], remoteAddress: nil).id.count == 20)
    }

    @Test func handshakeConnectEventAndAck() async throws {
        let server = self.server
        let session = server.openSession(transport: .polling, query: [:], remoteAddress: "127.0.0.1")
        let open = server.openPacket(for: session)
        #expect(open == #"0{"sid":"\#(session.id)","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#)

        try await server.receive(packets("40"), on: session)
        // The CONNECT answer first, then what the handler sends a connected client.
        let connected = try await session.poll()
        #expect(connected.count == 2)
        #expect(connected[0].hasPrefix(#"40{"sid":""#))
        #expect(connected.last == #"42["welcome",true]"#)

        try await server.receive(packets(#"421["echo",{"a":1}]"#), on: session)
        #expect(try await session.poll() == [#"42["echoed",{"a":1}]"#, #"431[{"a":1}]"#])
    }

    @Test func aRefusedConnectGetsConnectErrorAndEventsAreIgnored() async throws {
        let server = self.server
        let session = server.openSession(transport: .polling, query: [:], remoteAddress: nil)
        try await server.receive(packets(#"40{"token":"bad"}"#), on: session)
        #expect(try await session.poll() == [#"44{"message":"Not authorized"}"#])
        try await server.receive(packets(#"42["echo",1]"#, "2"), on: session)
        // Only the pong: an event before CONNECT is dropped.
        #expect(try await session.poll() == ["3"])
    }

    @Test func otherNamespacesAreRefused() async throws {
        let server = self.server
        let session = server.openSession(transport: .polling, query: [:], remoteAddress: nil)
        try await server.receive(packets("40/admin,"), on: session)
        #expect(try await session.poll() == [#"44/admin,{"message":"Invalid namespace"}"#])
    }

    @Test func garbageIsAProtocolViolation() async throws {
        let server = self.server
        let session = server.openSession(transport: .polling, query: [:], remoteAddress: nil)
        try await server.receive(packets("40"), on: session)
        await #expect(throws: SocketIOServer.ProtocolViolation.self) { try await server.receive(packets("4x"), on: session) }
        await #expect(throws: SocketIOServer.ProtocolViolation.self) { try await server.receive(packets(#"42{"not":"an array"}"#), on: session) }
        await #expect(throws: SocketIOServer.ProtocolViolation.self) { try await server.receive(packets("5"), on: session) }
    }

    @Test func aPendingPollIsWokenByAnEmitAndRoomsReachOnlyMembers() async throws {
        let server = self.server
        let member = server.openSession(transport: .polling, query: [:], remoteAddress: nil)
        let outsider = server.openSession(transport: .polling, query: [:], remoteAddress: nil)
        for session in [member, outsider] {
            try await server.receive(packets("40"), on: session)
            _ = try await session.poll()
        }
        try await server.receive(packets(#"42["join"]"#), on: member)
        #expect(server.members(of: "lobby") == 1)
        async let woken = member.poll()
        try await Task.sleep(for: .milliseconds(20))
        server.emit("news", "[1,2]", toRoom: "lobby")
        #expect(try await woken == [#"42["news",[1,2]]"#])
        server.emitToAll("all", "true")
        #expect(try await outsider.poll() == [#"42["all",true]"#])
    }

    @Test func overlappingPollsAreRefused() async throws {
        let server = self.server
        let session = server.openSession(transport: .polling, query: [:], remoteAddress: nil)
        async let first: [String] = session.poll()
        try await Task.sleep(for: .milliseconds(20))
        await #expect(throws: EngineIOSession.PollError.overlappingPoll) { _ = try await session.poll() }
        session.send("6")
        #expect(try await first == ["6"])
    }

    @Test func upgradeAnswersThePendingPollWithNoopAndMovesTheQueue() async throws {
        let server = self.server
        let session = server.openSession(transport: .polling, query: [:], remoteAddress: nil)
        async let pending: [String] = session.poll()
        try await Task.sleep(for: .milliseconds(20))
        #expect(session.beginUpgrade())
        #expect(try await pending == ["6"])
        session.send("4queued")
        // Polls during the upgrade only get a noop; the queued packet waits for the WebSocket.
        #expect(try await session.poll() == ["6"])
        #expect(session.completeUpgrade())
        #expect(session.transport == .websocket)
        #expect(await session.nextForWebSocket() == ["4queued"])
        await #expect(throws: EngineIOSession.PollError.wrongTransport) { _ = try await session.poll() }
    }

    @Test func heartbeatPingsThenTimesOutAndClosesTheSession() async throws {
        let server = SocketIOServer(settings: .init(pingInterval: .milliseconds(100), pingTimeout: .milliseconds(100)), handler: handler)
        let start = ContinuousClock.now
        let session = server.openSession(transport: .websocket, query: [:], remoteAddress: nil)
        try await server.receive(packets("40"), on: session)
        #expect(await session.nextForWebSocket()?.first?.hasPrefix("40") == true)
        await server.heartbeat(now: start + .milliseconds(150))
        #expect(await session.nextForWebSocket() == ["2"])
        // Answered: no timeout, and the next ping comes an interval later.
        try await server.receive(packets("3"), on: session)
        await server.heartbeat(now: start + .milliseconds(300))
        #expect(await session.nextForWebSocket() == ["2"])
        // Not answered this time.
        await server.heartbeat(now: start + .milliseconds(450))
        #expect(session.isClosed)
        #expect(server.sessionCount == 0)
        #expect(handler.disconnects.withLock { $0 } == 1)
        #expect(await session.nextForWebSocket() == nil)
    }

    @Test func aClientThatNeverFetchesIsClosedAtTheQueueLimit() {
        let session = EngineIOSession(id: "x", transport: .polling, maxQueuedPackets: 3)
        #expect(session.send(["a", "b", "c"]))
        #expect(!session.send("d"))
        #expect(session.isClosed)
    }
}
