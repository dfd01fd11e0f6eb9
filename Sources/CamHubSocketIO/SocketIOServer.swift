import CamHubCore
import Foundation
import Synchronization

/// What the application does with Socket.IO clients on the default namespace.
public protocol SocketIOEventHandler: Sendable {
    /// A client asks to connect; `auth` is the JSON text of its CONNECT payload. Throw a
    /// `SocketIORefusal` to answer CONNECT_ERROR with its message.
    func connect(_ client: SocketIOClient, auth: String?) async throws
    /// The client is connected: its CONNECT answer has been sent, so events sent now reach it.
    func connected(_ client: SocketIOClient) async
    /// An event with its arguments (parsed JSON). The handler calls `ack` exactly once, now or
    /// later, with the acknowledgement's argument; it is sent only when the client asked for one.
    /// Events of one client are handed over in order; the handler may finish them later.
    func event(_ name: String, arguments: [Any], from client: SocketIOClient, ack: SocketIOAck) async
    /// The client has gone (disconnect packet, closed transport or heartbeat timeout).
    func disconnect(_ client: SocketIOClient) async
}

/// Answers one event's acknowledgement (Socket.IO ACK with the event's id).
public struct SocketIOAck: Sendable {
    let session: EngineIOSession
    let id: Int?

    /// True when the client asked for an acknowledgement.
    public var isRequested: Bool { id != nil }

    /// Sends the acknowledgement with `json` as its argument (none when nil).
    public func reply(_ json: String?) {
        guard let id else { return }
        session.send(EngineIOPacket(.message, SocketIOPacket(.ack, ackID: id, payload: "[\(json ?? "")]").encoded).encoded)
    }
}

/// Why a CONNECT was refused, sent to the client as `{"message": ...}`.
public struct SocketIORefusal: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

public struct SocketIOSettings: Sendable {
    public var pingInterval: Duration
    public var pingTimeout: Duration
    /// The largest polling body or WebSocket message a client may send.
    public var maxPayload: Int

    public init(pingInterval: Duration = .seconds(25), pingTimeout: Duration = .seconds(20), maxPayload: Int = 1_000_000) {
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
    }
}

/// A connected Socket.IO client, as the event handler sees it.
public struct SocketIOClient: Sendable {
    public let sessionID: String
    /// The Socket.IO id sent back in the CONNECT answer.
    public let socketID: String
    /// The query of the request that opened the session (such as `?token=`).
    public let query: [String: String]
    public let remoteAddress: String?
    let server: SocketIOServer

    /// Sends `event` with one argument, given as JSON text.
    public func emit(_ event: String, _ json: String) {
        server.session(sessionID)?.send(SocketIOServer.eventPacket(event, json))
    }

    public func join(_ room: String) {
        server.join(room, sessionID: sessionID)
    }

    /// Sends `event` to every socket in `room`.
    public func broadcast(_ event: String, _ json: String, toRoom room: String) {
        server.emit(event, json, toRoom: room)
    }

    /// How many sockets are in `room`, so an event nobody would receive need not be built.
    public func members(of room: String) -> Int {
        server.members(of: room)
    }

}

/// Engine.IO v4 sessions and Socket.IO v5 sockets on the default namespace, with rooms.
///
/// Transport-free: the HTTP layer hands it the packets each polling POST or WebSocket message
/// carries, and takes what to send from each `EngineIOSession`.
public final class SocketIOServer: Sendable {
    public let settings: SocketIOSettings
    private let handler: any SocketIOEventHandler
    private let registry = Mutex(Registry())

    /// Appended to every session id after a dot, so that any hub of the site can tell which hub
    /// holds a session (the cluster forwards its requests there).
    private let sessionTag: String?

    public init(settings: SocketIOSettings = SocketIOSettings(), handler: any SocketIOEventHandler, sessionTag: String? = nil) {
        self.settings = settings
        self.handler = handler
        self.sessionTag = sessionTag
    }

    struct Entry {
        let session: EngineIOSession
        let query: [String: String]
        let remoteAddress: String?
        var socketID: String?
        var rooms: Set<String> = []
    }

    struct Registry {
        var entries: [String: Entry] = [:]
        var rooms: [String: Set<String>] = [:]
    }

    // MARK: Sessions

    /// Opens a session; the caller sends `openPacket(for:)` on its transport.
    public func openSession(transport: EngineIOSession.Transport, query: [String: String], remoteAddress: String?) -> EngineIOSession {
        let session = EngineIOSession(id: Self.makeID() + (sessionTag.map { "." + $0 } ?? ""), transport: transport)
        registry.withLock { $0.entries[session.id] = Entry(session: session, query: query, remoteAddress: remoteAddress) }
        return session
    }

    public func session(_ id: String) -> EngineIOSession? {
        registry.withLock { $0.entries[id]?.session }
    }

    public var sessionCount: Int { registry.withLock { $0.entries.count } }

    public func openPacket(for session: EngineIOSession) -> String {
        let interval = Int(settings.pingInterval.components.seconds * 1000 + settings.pingInterval.components.attoseconds / 1_000_000_000_000_000)
        let timeout = Int(settings.pingTimeout.components.seconds * 1000 + settings.pingTimeout.components.attoseconds / 1_000_000_000_000_000)
        return EngineIOPacket(
            .open,
            #"{"sid":"\#(session.id)","upgrades":["websocket"],"pingInterval":\#(interval),"pingTimeout":\#(timeout),"maxPayload":\#(settings.maxPayload)}"#
        ).encoded
    }

    /// Ends a session: its transport is woken to finish, it leaves its rooms, and a connected
    /// socket is reported to the handler.
    public func close(_ session: EngineIOSession) async {
        session.close()
        let entry = registry.withLock { registry -> Entry? in
            guard let entry = registry.entries.removeValue(forKey: session.id) else { return nil }
            for room in entry.rooms {
                registry.rooms[room]?.remove(session.id)
                if registry.rooms[room]?.isEmpty == true { registry.rooms[room] = nil }
            }
            return entry
        }
        if let entry, let socketID = entry.socketID {
            await handler.disconnect(client(entry, sessionID: session.id, socketID: socketID))
        }
    }

    /// Every open session; at shutdown they are all closed.
    public func closeAll() async {
        for session in registry.withLock({ $0.entries.values.map(\.session) }) {
            await close(session)
        }
    }

    // MARK: Receiving

    public enum ProtocolViolation: Error, Sendable, Equatable {
        case garbage(String)
    }

    /// Handles the packets one polling POST or WebSocket message carried. Throws for garbage;
    /// the caller then closes the session.
    public func receive(_ packets: [EngineIOPacket], on session: EngineIOSession) async throws(ProtocolViolation) {
        for packet in packets {
            switch packet.kind {
            case .ping:
                session.send(EngineIOPacket(.pong, packet.data).encoded)
            case .pong:
                session.receivedPong()
            case .message:
                try await receiveMessage(packet.data, on: session)
            case .close:
                await close(session)
                return
            case .noop:
                break
            case .open, .upgrade:
                throw .garbage("unexpected Engine.IO packet type \(packet.kind.rawValue)")
            }
        }
    }

    private func receiveMessage(_ text: String, on session: EngineIOSession) async throws(ProtocolViolation) {
        let packet: SocketIOPacket
        do {
            packet = try SocketIOPacket(decoding: text)
        } catch {
            throw .garbage("bad Socket.IO packet: \(error)")
        }
        guard let entry = registry.withLock({ $0.entries[session.id] }) else { return }
        switch packet.kind {
        case .connect:
            await connect(packet, entry: entry, session: session)
        case .disconnect:
            guard packet.namespace == "/", let socketID = entry.socketID else { return }
            registry.withLock { $0.entries[session.id]?.socketID = nil }
            await handler.disconnect(client(entry, sessionID: session.id, socketID: socketID))
        case .event:
            guard packet.namespace == "/", let socketID = entry.socketID else { return }
            guard let payload = packet.payload, let data = payload.data(using: .utf8),
                let array = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [Any],
                let name = array.first as? String
            else {
                throw .garbage("an event must be a JSON array starting with its name")
            }
            await handler.event(
                name, arguments: Array(array.dropFirst()), from: client(entry, sessionID: session.id, socketID: socketID),
                ack: SocketIOAck(session: session, id: packet.ackID)
            )
        case .ack:
            break
        case .connectError, .binaryEvent, .binaryAck:
            throw .garbage("a client may not send Socket.IO packet type \(packet.kind.rawValue)")
        }
    }

    private func connect(_ packet: SocketIOPacket, entry: Entry, session: EngineIOSession) async {
        func answer(_ reply: SocketIOPacket) {
            session.send(EngineIOPacket(.message, reply.encoded).encoded)
        }
        guard packet.namespace == "/" else {
            answer(SocketIOPacket(.connectError, namespace: packet.namespace, payload: #"{"message":"Invalid namespace"}"#))
            return
        }
        let socketID = entry.socketID ?? Self.makeID()
        do {
            try await handler.connect(client(entry, sessionID: session.id, socketID: socketID), auth: packet.payload)
        } catch {
            let message = (error as? SocketIORefusal)?.message ?? "connection refused"
            answer(SocketIOPacket(.connectError, payload: Self.messageJSON(message)))
            return
        }
        registry.withLock { $0.entries[session.id]?.socketID = socketID }
        answer(SocketIOPacket(.connect, payload: #"{"sid":"\#(socketID)"}"#))
        await handler.connected(client(entry, sessionID: session.id, socketID: socketID))
    }

    // MARK: Rooms and emitting

    func join(_ room: String, sessionID: String) {
        registry.withLock { registry in
            guard registry.entries[sessionID] != nil else { return }
            registry.entries[sessionID]?.rooms.insert(room)
            registry.rooms[room, default: []].insert(sessionID)
        }
    }

    /// Sends an event to every connected socket in `room`.
    public func emit(_ event: String, _ json: String, toRoom room: String) {
        let packet = Self.eventPacket(event, json)
        let sessions = registry.withLock { registry in
            (registry.rooms[room] ?? []).compactMap { id in registry.entries[id].flatMap { $0.socketID == nil ? nil : $0.session } }
        }
        for session in sessions { session.send(packet) }
    }

    /// Sends an event to every connected socket.
    public func emitToAll(_ event: String, _ json: String) {
        let packet = Self.eventPacket(event, json)
        let sessions = registry.withLock { $0.entries.values.filter { $0.socketID != nil }.map(\.session) }
        for session in sessions { session.send(packet) }
    }

    public func members(of room: String) -> Int {
        registry.withLock { $0.rooms[room]?.count ?? 0 }
    }

    // MARK: Heartbeat

    /// Pings sessions that are due and closes those that did not answer in time. Call it about
    /// once a second.
    public func heartbeat(now: ContinuousClock.Instant = .now) async {
        let sessions = registry.withLock { $0.entries.values.map(\.session) }
        for session in sessions {
            switch session.heartbeat(now: now, interval: settings.pingInterval, timeout: settings.pingTimeout) {
            case .none: break
            case .ping: session.send(EngineIOPacket(.ping).encoded)
            case .timedOut: await close(session)
            }
        }
    }

    // MARK: Encoding helpers

    /// `4` + `2["event",<json>]`: an Engine.IO message carrying a Socket.IO event.
    static func eventPacket(_ event: String, _ json: String) -> String {
        "42[" + jsonString(event) + "," + json + "]"
    }

    static func messageJSON(_ message: String) -> String {
        #"{"message":"# + jsonString(message) + "}"
    }

    static func jsonString(_ text: String) -> String {
        JSONText.string(text)
    }

    /// 20 URL-safe random characters, as Engine.IO's own ids.
    static func makeID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int(generator.next() % 64)] })
    }

    private func client(_ entry: Entry, sessionID: String, socketID: String) -> SocketIOClient {
        SocketIOClient(sessionID: sessionID, socketID: socketID, query: entry.query, remoteAddress: entry.remoteAddress, server: self)
    }
}
