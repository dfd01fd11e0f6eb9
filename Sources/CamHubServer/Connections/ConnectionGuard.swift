import CamHubCore
import HTTPTypes
import Logging
import NIOCore

/// The first handler on every connection, before the HTTP decoder: it follows the requests'
/// framing (`HTTPRequestFraming`) and answers at once, with a JSON error and `Connection: close`,
/// what the decoder would otherwise wait on or buffer:
/// - a request line over 8 KB (414), a head over 32 KB or with more than 100 fields (431);
/// - a head not complete within `server.header_timeout_seconds` of its first byte, or of the
///   connection's opening for its first request, and a body that brings less than
///   `minimumBodyBytes` in such a window while the server is waiting for it (408): slowloris;
/// - a connection past `server.max_connections` or `server.max_connections_per_address` (503;
///   it has a second to send its head),
///   unless it asks for `/health`.
/// After a WebSocket upgrade it only passes bytes on (the socket has its own pings and close).
/// Keep-alive connections idle between requests are closed by Hummingbird's idle timeout.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = Any

    struct Settings: Sendable {
        var limits = HTTPRequestFraming.Limits()
        var headerTimeout: TimeAmount = .seconds(10)
        var minimumBodyBytes = 1024
    }

    private let settings: Settings
    private let counts: ConnectionCounts
    private let logger: Logger
    private var framing: HTTPRequestFraming
    private var address: String?
    private var withinLimits = true
    private var refused = false
    private var headDeadline: Scheduled<Void>?
    private var bodyCheck: Scheduled<Void>?
    private var bodyBytesInWindow = 0
    /// Whether the server has asked for more bytes and none came yet: only then is a slow body
    /// the client's doing, not backpressure from a handler that is not reading.
    private var waitingForClient = false
    private var serverHeldBack = false
    private var lastReadComplete = NIODeadline.now()
    private var lingerDeadline = NIODeadline.now()
    private var lingerTimer: Scheduled<Void>?
    /// A close asked for by the handlers behind while lingering, done when the lingering ends.
    private var closeWhenDone: EventLoopPromise<Void>?
    private var inputEnded: Scheduled<Void>?
    /// The bytes of a head that is not whole yet (at most `limits.headBytes`).
    private var heldHead: ByteBuffer?

    init(settings: Settings, counts: ConnectionCounts, logger: Logger) {
        self.settings = settings
        self.counts = counts
        self.logger = logger
        framing = HTTPRequestFraming(limits: settings.limits)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { opened(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        opened(context)
        context.fireChannelActive()
    }

    private func opened(_ context: ChannelHandlerContext) {
        guard address == nil else { return }
        address = context.channel.remoteAddress?.ipAddress ?? "-"
        withinLimits = counts.open(address)
        // The first request's head is timed from the connection's opening: a connection that
        // never sends a byte holds a socket as surely as one that trickles. One past the limits
        // gets a second: long enough for a `/health` check, too short to pile up descriptors.
        startHeadTimer(context, in: withinLimits ? settings.headerTimeout : min(settings.headerTimeout, .seconds(1)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        headDeadline?.cancel()
        bodyCheck?.cancel()
        lingerTimer?.cancel()
        inputEnded?.cancel()
        closeWhenDone?.succeed()
        closeWhenDone = nil
        if address != nil { counts.close(address) }
        address = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed, !refused, inputEnded == nil {
            // The client has sent its last byte. What is being answered gets the header timeout
            // to finish; then the connection closes. A stream to a client that has gone (a viewer
            // of a camera with no frames, where nothing is written that could fail) would
            // otherwise hold its socket for ever.
            inputEnded = context.eventLoop.assumeIsolated().scheduleTask(in: settings.headerTimeout) {
                context.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        waitingForClient = false
        if refused {
            linger(context)
            return
        }
        if framing.phase == .passthrough {
            context.fireChannelRead(data)
            return
        }
        var buffer = unwrapInboundIn(data)
        let events: [HTTPRequestFraming.Event]
        do {
            events = try buffer.withUnsafeReadableBytes { bytes throws(HTTPRequestFraming.Refusal) in
                try framing.consume(bytes)
            }
        } catch {
            refuse(error, context)
            return
        }
        if framing.phase == .body { bodyBytesInWindow += buffer.readableBytes }
        for event in events {
            guard handle(event, context) else { return }
        }
        forward(&buffer, events, context)
    }

    /// Passes the bytes on, except a head that is not whole yet: the decoder behind gets each
    /// head whole, so a connection cut in the middle of one leaves nothing half-parsed there.
    private func forward(_ buffer: inout ByteBuffer, _ events: [HTTPRequestFraming.Event], _ context: ChannelHandlerContext) {
        guard framing.phase == .head else {
            if var held = heldHead.take() {
                held.writeBuffer(&buffer)
                context.fireChannelRead(wrapInboundOut(held))
            } else {
                context.fireChannelRead(wrapInboundOut(buffer))
            }
            return
        }
        var startedAt: Int?
        for case .headStarted(let offset) in events { startedAt = offset }
        if let startedAt {
            // A head began in these bytes: what came before it (the end of a held head too)
            // goes on, the rest waits.
            var before = buffer.readSlice(length: startedAt)!
            if var held = heldHead.take() {
                held.writeBuffer(&before)
                before = held
            }
            if before.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(before)) }
            heldHead = buffer
        } else if heldHead != nil {
            heldHead!.writeBuffer(&buffer)
        } else {
            heldHead = buffer
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        lastReadComplete = .now()
        if refused {
            // Nothing behind reads any more: keep draining what the client sends.
            context.read()
            return
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        // A read asked for well after the last one completed: a handler held the body back.
        if NIODeadline.now() - lastReadComplete > .milliseconds(100) { serverHeldBack = true }
        waitingForClient = true
        context.read()
    }

    /// Acts on a framing event; false when the connection was answered and closed.
    private func handle(_ event: HTTPRequestFraming.Event, _ context: ChannelHandlerContext) -> Bool {
        switch event {
        case .headStarted:
            if headDeadline == nil { startHeadTimer(context) }
        case .headCompleted(let target, let body):
            headDeadline?.cancel()
            headDeadline = nil
            if !withinLimits && !Self.isHealth(target) {
                reject(.serviceUnavailable, "too_many_connections", "too many connections; try again shortly", context, retryAfter: 1)
                return false
            }
            if body { startBodyChecks(context) }
        case .bodyCompleted:
            bodyCheck?.cancel()
            bodyCheck = nil
        case .upgraded:
            headDeadline?.cancel()
            bodyCheck?.cancel()
        }
        return true
    }

    private func startHeadTimer(_ context: ChannelHandlerContext, in timeout: TimeAmount? = nil) {
        headDeadline?.cancel()
        headDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout ?? settings.headerTimeout) {
            self.headDeadline = nil
            self.reject(.requestTimeout, "request_timeout", "the request head did not arrive in time", context)
        }
    }

    private func startBodyChecks(_ context: ChannelHandlerContext) {
        bodyBytesInWindow = 0
        serverHeldBack = false
        bodyCheck?.cancel()
        bodyCheck = context.eventLoop.assumeIsolated().scheduleTask(in: settings.headerTimeout) {
            self.checkBodyProgress(context)
        }
    }

    private func checkBodyProgress(_ context: ChannelHandlerContext) {
        guard framing.phase == .body, !refused else { return }
        if waitingForClient && !serverHeldBack && bodyBytesInWindow < settings.minimumBodyBytes {
            reject(.requestTimeout, "request_timeout", "the request body is arriving too slowly", context)
            return
        }
        startBodyChecks(context)
    }

    private func refuse(_ refusal: HTTPRequestFraming.Refusal, _ context: ChannelHandlerContext) {
        switch refusal {
        case .uriTooLong:
            reject(.uriTooLong, "uri_too_long", "the request line is longer than \(settings.limits.requestLineBytes) bytes", context)
        case .headTooLarge:
            reject(
                .requestHeaderFieldsTooLarge, "headers_too_large",
                "the request head is over \(settings.limits.headBytes) bytes or has more than \(settings.limits.fields) fields", context
            )
        case .badFraming(let message):
            reject(.badRequest, "bad_request", message, context)
        }
    }

    /// Answers with a JSON error, stops passing the request on, and closes once the client has
    /// stopped sending.
    private func reject(_ status: HTTPResponse.Status, _ code: String, _ message: String, _ context: ChannelHandlerContext, retryAfter: Int? = nil) {
        guard !refused else { return }
        refused = true
        counts.cut(code)
        heldHead = nil
        headDeadline?.cancel()
        bodyCheck?.cancel()
        logger.debug("a connection was answered and closed", metadata: ["client": "\(address ?? "-")", "status": "\(status.code)", "code": "\(code)"])
        let answer = Self.rawResponse(status, code: code, message: message, retryAfter: retryAfter)
        var buffer = context.channel.allocator.buffer(capacity: answer.utf8.count)
        buffer.writeString(answer)
        // Half-closed once written: the client sees the end of the answer and closes its side.
        // The handlers behind see the input end, as if the client had gone; the close they
        // answer that with waits for the lingering below.
        context.writeAndFlush(NIOAny(buffer)).assumeIsolated().whenSuccess {
            context.close(mode: .output, promise: nil)
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
        lingerDeadline = .now() + .seconds(10)
        linger(context)
    }

    /// After an answer, what the client still sends is read and dropped until it stops for 2 s
    /// (10 s at most), then the connection closes: closing with unread bytes would reset it,
    /// and the client could lose the answer (nginx's lingering close).
    private func linger(_ context: ChannelHandlerContext) {
        lingerTimer?.cancel()
        let wait = min(TimeAmount.seconds(2), lingerDeadline - .now())
        lingerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: max(wait, .zero)) {
            context.close(promise: self.closeWhenDone)
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard refused, mode == .all, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        if let promise {
            if let waiting = closeWhenDone { waiting.futureResult.cascade(to: promise) } else { closeWhenDone = promise }
        }
    }

    static func rawResponse(_ status: HTTPResponse.Status, code: String, message: String, retryAfter: Int? = nil) -> String {
        let body = JSONText.encode(["error": ["code": code, "message": message], "detail": message])
        var head = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nContent-Type: application/json\r\n"
        head += "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        if let retryAfter { head += "Retry-After: \(retryAfter)\r\n" }
        return head + "\r\n" + body
    }

    private static func isHealth(_ target: String) -> Bool {
        target == "/health" || target.hasPrefix("/health?")
    }
}
