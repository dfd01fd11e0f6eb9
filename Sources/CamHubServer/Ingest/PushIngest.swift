import CamHubCore
import CamHubPush
import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle

/// `/video-input-stream`: cameras push JPEGs over the seed 003 binary protocol.
///
/// The socket's messages are one byte stream to `PushStreamParser`. The camera id must be in the
/// registry and the token must be its HMAC; otherwise the socket is closed with 1008 and a reason.
/// A piece over its limit closes it with 1009. Each frame goes into the camera's feed, so every
/// delivery path serves it. A socket that proves its token replaces the camera's older one
/// (`PushConnections`).
struct PushIngest {
    let hub: Hub

    /// How long a camera has to answer the hub's close frame at shutdown.
    static let closeTimeout = Duration.seconds(2)

    /// Why a socket is being closed.
    struct Refusal: Error {
        let code: WebSocketErrorCode
        let reason: String
    }

    func handle(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, _ context: WebSocketRouterContext<HubWebSocketContext>
    ) async throws {
        var session = Session(hub: hub, logger: context.logger, outbound: outbound)
        session.client = context.requestContext.clientAddress
        session.takesCommands = context.request.uri.queryParameters["commands"] == "json"
        do {
            var parser = PushStreamParser(maxFrameBytes: hub.configuration.hub.maxFrameBytes)
            // At shutdown the camera is told the hub is going away (1001) and reconnects to
            // whichever hub answers next. Its answering close ends the loop; a camera that never
            // reads (firmware that only sends) is cut off after the close timeout, so no socket
            // holds a shutdown up.
            let channel = context.requestContext.channel
            try await withGracefulShutdownHandler {
                for try await message in inbound {
                    guard message.opcode != .text else {
                        throw Refusal(code: .unacceptableData, reason: "the push protocol is binary; text messages are not accepted")
                    }
                    parser.append(message.data)
                    while let event = try Self.next(&parser) {
                        try await session.handle(event)
                    }
                    guard hub.partialBytes.update(&session.heldBytes, to: parser.bufferedByteCount) else {
                        hub.pushStatistics.overBudget()
                        throw Refusal(code: .unknown(1013), reason: "the hub holds too many partly received frames; try again later")
                    }
                }
            } onGracefulShutdown: {
                Task {
                    try? await outbound.close(.goingAway, reason: "the hub is shutting down")
                    try? await Task.sleep(for: Self.closeTimeout)
                    try? await channel.close()
                }
            }
        } catch let refusal as Refusal {
            hub.partialBytes.release(&session.heldBytes)
            hub.pushStatistics.refused()
            context.logger.notice(
                "push socket refused", metadata: ["camera": "\(session.announcedID.map(String.init) ?? "-")", "reason": "\(refusal.reason)"]
            )
            await session.end()
            try await outbound.close(refusal.code, reason: refusal.reason)
            return
        } catch {
            hub.partialBytes.release(&session.heldBytes)
            await session.end()
            throw error
        }
        hub.partialBytes.release(&session.heldBytes)
        await session.end()
    }

    /// The parser's next event, with its failures turned into close codes.
    private static func next(_ parser: inout PushStreamParser) throws(Refusal) -> PushStreamParser.Event? {
        do {
            return try parser.next()
        } catch {
            switch error {
            case .tokenTooLong(let length, let limit):
                throw Refusal(code: .messageTooLarge, reason: "token of \(length) bytes is over the limit of \(limit)")
            case .frameTooLarge(let length, let limit):
                throw Refusal(code: .messageTooLarge, reason: "frame of \(length) bytes is over the limit of \(limit)")
            case .tokenNotUTF8:
                throw Refusal(code: .dataInconsistentWithMessage, reason: "the token is not UTF-8")
            }
        }
    }

    /// One socket's progress: which camera it announced, and its feed once the token is proven.
    struct Session {
        let hub: Hub
        let logger: Logger
        let outbound: WebSocketOutboundWriter
        var announcedID: UInt32?
        /// This socket's share of `Hub.partialBytes`.
        var heldBytes = 0
        /// The announced camera's token generation.
        var generation: String?
        /// The address wrong tokens are counted against (`FailureLimiter`).
        var client: String?
        var feed: CameraFeed?
        var registration: UUID?
        /// The socket asked for commands (`?commands=json`): they are sent to it as JSON text.
        var takesCommands = false

        init(hub: Hub, logger: Logger, outbound: WebSocketOutboundWriter) {
            self.hub = hub
            self.logger = logger
            self.outbound = outbound
        }

        mutating func handle(_ event: PushStreamParser.Event) async throws {
            switch event {
            case .cameraID(let id):
                announcedID = id
                guard let camera = try await hub.cameras.camera(id: String(id)) else {
                    throw Refusal(code: .policyViolation, reason: "unknown camera id \(id)")
                }
                generation = PushTokens.generation(of: camera)
                guard !camera.isStopped else {
                    hub.refusals.record(camera.id, reason: "push socket from a stopped camera")
                    throw Refusal(code: .policyViolation, reason: "camera \(id) is stopped")
                }
            case .token(let token):
                if let seconds = hub.failures.retryAfter(client) {
                    throw Refusal(code: .policyViolation, reason: "too many wrong credentials from this address; try again in \(seconds) s")
                }
                guard let id = announcedID, hub.pushTokens.matches(token, for: id, generation: generation) else {
                    if hub.failures.recordFailure(client, kind: "push_token") {
                        logger.warning("a client is locked out after too many wrong credentials", metadata: ["client": "\(client ?? "-")", "kind": "push_token"])
                    }
                    throw Refusal(code: .policyViolation, reason: "invalid token for camera \(announcedID ?? 0)")
                }
                feed = hub.frames.feed(for: String(id))
                hub.pushStatistics.connectionOpened()
                let (registration, replaced) = hub.pushConnections.register(String(id), outbound: outbound, takesCommands: takesCommands)
                self.registration = registration
                logger.info("push camera connected", metadata: ["camera": "\(id)", "replaced_older_socket": "\(replaced != nil)"])
                try? await replaced?.close(.normalClosure, reason: "replaced by a newer push socket for camera \(id)")
                // The hub the camera pushes to captures it: a socket through another hub gives way.
                do {
                    try await hub.cluster.take(String(id))
                } catch {
                    logger.warning("could not take the camera's lease; it is served here all the same", metadata: ["camera": "\(id)", "error": "\(error)"])
                }
                // What was queued while it was away goes out at once.
                if takesCommands { await hub.sendQueuedCommands(to: String(id), logger: logger) }
            case .frame(let jpeg):
                guard let feed else { return }
                guard let header = JPEGHeader(jpeg) else {
                    hub.pushStatistics.frameRejected()
                    logger.debug("push frame is not a JPEG; dropped", metadata: ["camera": "\(feed.cameraID)", "bytes": "\(jpeg.count)"])
                    return
                }
                feed.publish(jpeg: jpeg, width: header.width, height: header.height)
            }
        }

        func end() async {
            guard let feed else { return }
            if let registration, hub.pushConnections.remove(feed.cameraID, id: registration) {
                await hub.cluster.release(feed.cameraID)
                // Its viewers here keep watching when the camera reconnects to another hub.
                if feed.demand > 0 { await hub.followIfCapturedElsewhere(feed.cameraID, feed) }
            }
            hub.pushStatistics.connectionClosed()
            logger.info("push camera disconnected", metadata: ["camera": "\(feed.cameraID)"])
        }
    }
}
