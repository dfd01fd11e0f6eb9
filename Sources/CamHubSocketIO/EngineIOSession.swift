import Synchronization

/// One Engine.IO session: its transport, the packets waiting to go out, and the heartbeat.
///
/// Packets to the client are queued here as encoded text. The transport that currently owns the
/// session takes them: a pending polling GET (all queued packets, joined), or the WebSocket's
/// writer (one message each). The queue is bounded; a client that does not fetch its packets is
/// closed rather than allowed to grow memory.
public final class EngineIOSession: Sendable {
    public enum Transport: Sendable, Equatable {
        case polling
        case websocket
    }

    public enum PollError: Error, Sendable, Equatable {
        /// A second GET arrived while one was pending: the protocol forbids it.
        case overlappingPoll
        /// The session has moved to WebSocket.
        case wrongTransport
        case closed
    }

    /// What the heartbeat wants done for this session.
    public enum HeartbeatAction: Sendable, Equatable {
        case none
        case ping
        case timedOut
    }

    public let id: String
    private let maxQueuedPackets: Int
    private let state: Mutex<State>

    public init(id: String, transport: Transport, now: ContinuousClock.Instant = .now, maxQueuedPackets: Int = 10_000) {
        self.id = id
        self.maxQueuedPackets = maxQueuedPackets
        self.state = Mutex(State(transport: transport, lastPingSentAt: now))
    }

    public var transport: Transport { state.withLock { $0.transport } }
    public var isClosed: Bool { state.withLock { $0.closed } }
    public var isUpgrading: Bool { state.withLock { $0.upgrading } }
    /// Closed because the hub is shutting down (`close(goingAway: true)`).
    public var isGoingAway: Bool { state.withLock { $0.goingAway } }

    // MARK: Sending

    /// Queues an encoded packet for the client. Returns false when the session is closed or its
    /// queue is full (the session is then closed).
    @discardableResult
    public func send(_ packet: String) -> Bool {
        send([packet])
    }

    @discardableResult
    public func send(_ packets: [String]) -> Bool {
        let (woken, dropped, accepted) = state.withLock { state -> (Waiter?, [Waiter], Bool) in
            guard !state.closed else { return (nil, [], false) }
            guard state.outbound.count + packets.count <= maxQueuedPackets else {
                return (nil, state.close(), false)
            }
            state.outbound += packets
            return (state.takeWaiterForOutbound(), [], true)
        }
        // An empty list tells the waiter to take whatever is queued when it runs.
        woken?.resume(returning: [])
        for waiter in dropped { waiter.resume(returning: nil) }
        return accepted
    }

    // MARK: Receiving packets for the transports

    /// A polling GET: waits for packets and returns them all.
    public func poll() async throws(PollError) -> [String] {
        try state.withLock { state throws(PollError) in
            if state.closed { throw .closed }
            guard state.transport == .polling else { throw .wrongTransport }
            guard state.pollWaiter == nil else { throw .overlappingPoll }
        }
        while true {
            let result: [String]? = await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> [String]?? in
                    if state.closed { return .some(nil) }
                    // While an upgrade is being tested (or once it is done) a poll only gets a noop.
                    if state.upgrading || state.transport != .polling { return .some([EngineIOPacket(.noop).encoded]) }
                    if !state.outbound.isEmpty { return .some(state.takeOutbound()) }
                    state.pollWaiter = continuation
                    return .none
                }
                if case .some(let value) = ready { continuation.resume(returning: value) }
            }
            guard let result else { throw .closed }
            // Woken with an empty list: look again at what is queued.
            if !result.isEmpty { return result }
        }
    }

    /// The WebSocket writer's next packets; nil once the session closes.
    public func nextForWebSocket() async -> [String]? {
        while true {
            let result: [String]? = await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> [String]?? in
                    if state.closed { return .some(nil) }
                    if !state.outbound.isEmpty, state.transport == .websocket { return .some(state.takeOutbound()) }
                    state.socketWaiter = continuation
                    return .none
                }
                if case .some(let value) = ready { continuation.resume(returning: value) }
            }
            guard let result else { return nil }
            if !result.isEmpty { return result }
        }
    }

    // MARK: Upgrade

    /// The client's `2probe` arrived on a new WebSocket: a pending poll is answered with a noop,
    /// so the client can pause polling and send `5`.
    public func beginUpgrade() -> Bool {
        let (waiter, ok) = state.withLock { state -> (CheckedContinuation<[String]?, Never>?, Bool) in
            guard !state.closed, state.transport == .polling else { return (nil, false) }
            state.upgrading = true
            let waiter = state.pollWaiter
            state.pollWaiter = nil
            return (waiter, true)
        }
        waiter?.resume(returning: [EngineIOPacket(.noop).encoded])
        return ok
    }

    /// The client's `5` arrived: from now on the WebSocket carries everything, queued packets first.
    public func completeUpgrade() -> Bool {
        let (pollWaiter, socketWaiter, ok) = state.withLock { state -> (CheckedContinuation<[String]?, Never>?, CheckedContinuation<[String]?, Never>?, Bool) in
            guard !state.closed, state.upgrading else { return (nil, nil, false) }
            state.upgrading = false
            state.transport = .websocket
            let poll = state.pollWaiter
            state.pollWaiter = nil
            let socket = state.outbound.isEmpty ? nil : state.socketWaiter
            if socket != nil { state.socketWaiter = nil }
            return (poll, socket, true)
        }
        pollWaiter?.resume(returning: [EngineIOPacket(.noop).encoded])
        socketWaiter?.resume(returning: [])
        return ok
    }

    /// The WebSocket that was testing the upgrade went away before `5`: polling carries on.
    public func cancelUpgrade() {
        state.withLock { $0.upgrading = false }
    }

    /// Ends a WebSocket writer's wait without closing the session (its socket went away before
    /// the upgrade completed).
    public func wakeWebSocketWriter() {
        let waiter = state.withLock { state -> Waiter? in
            defer { state.socketWaiter = nil }
            return state.socketWaiter
        }
        waiter?.resume(returning: nil)
    }

    // MARK: Heartbeat

    /// Called periodically: sends a ping every `interval`, and reports a client that has not
    /// answered the last ping within `timeout`.
    public func heartbeat(now: ContinuousClock.Instant, interval: Duration, timeout: Duration) -> HeartbeatAction {
        state.withLock { state in
            guard !state.closed else { return .none }
            if state.awaitingPong {
                return now - state.lastPingSentAt >= timeout ? .timedOut : .none
            }
            guard now - state.lastPingSentAt >= interval else { return .none }
            state.awaitingPong = true
            state.lastPingSentAt = now
            return .ping
        }
    }

    public func receivedPong() {
        state.withLock { $0.awaitingPong = false }
    }

    // MARK: Closing

    /// Closes the session; a pending poll or writer is woken and ends. Returns false when it was
    /// already closed.
    @discardableResult
    public func close(goingAway: Bool = false) -> Bool {
        let (waiters, wasOpen) = state.withLock { state -> ([Waiter], Bool) in
            let wasOpen = !state.closed
            if wasOpen { state.goingAway = goingAway }
            return (state.close(), wasOpen)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
        return wasOpen
    }
}

extension EngineIOSession {
    typealias Waiter = CheckedContinuation<[String]?, Never>

    struct State {
        var transport: Transport
        var upgrading = false
        var outbound: [String] = []
        var pollWaiter: Waiter?
        var socketWaiter: Waiter?
        var closed = false
        /// Closed because the hub is shutting down, so the client should come back.
        var goingAway = false
        var lastPingSentAt: ContinuousClock.Instant
        var awaitingPong = false

        mutating func takeOutbound() -> [String] {
            defer { outbound.removeAll(keepingCapacity: true) }
            return outbound
        }

        /// The waiter that should be woken now that packets are queued.
        mutating func takeWaiterForOutbound() -> Waiter? {
            switch transport {
            case .polling:
                guard !upgrading else { return nil }
                defer { pollWaiter = nil }
                return pollWaiter
            case .websocket:
                defer { socketWaiter = nil }
                return socketWaiter
            }
        }

        mutating func close() -> [Waiter] {
            closed = true
            outbound.removeAll()
            let waiters = [pollWaiter, socketWaiter].compactMap { $0 }
            pollWaiter = nil
            socketWaiter = nil
            return waiters
        }
    }
}
