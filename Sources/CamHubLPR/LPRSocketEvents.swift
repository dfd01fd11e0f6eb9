public import CamHubCore
public import CamHubSocketIO
import Foundation
public import Logging
import Synchronization

/// The seed 002 Socket.IO events on the default namespace.
///
/// - on connection, a `connect` event `{success, message, timestamp}`
/// - `camera_register` → `camera_register`, and `camera_status` `online` to `dashboard`
/// - `lpr_data` → `lpr_response`, and `new_detection` to `dashboard`
/// - `health_status` → `health_response`, and `health_update` to `health_monitoring`
/// - `ping` → `pong` (with the ping's `original_message`)
/// - `join_dashboard`, `join_health_room` → `status`
/// - a bad event also gets an `error` event `{message: "Missing required field: ..."}`, which the
///   original clients listen for
///
/// The answers' shapes are in `LPRAnswers`. Every answer is also the acknowledgement when the
/// client asked for one. A registered camera's socket going away is announced to `dashboard` as
/// `camera_status` `offline`.
public final class LPRSocketEvents: SocketIOEventHandler {
    let lpr: LPRIngest
    /// `lpr.token` as the configuration says now, so a change through `PUT /config` or SIGHUP
    /// applies to the next connection, as it does to the REST routes.
    let token: @Sendable () -> String?
    let logger: Logger
    private let camerasBySocket = Mutex<[String: Set<CameraID>]>([:])
    static let origin = LPRIngest.Origin(transport: "socket.io")

    public init(lpr: LPRIngest, token: @escaping @Sendable () -> String?, logger: Logger, failures: FailureLimiter? = nil) {
        self.lpr = lpr
        self.token = token
        self.logger = logger
        self.failures = failures
    }

    /// Wrong tokens counted per client address; a locked-out address is refused whatever it presents.
    private let failures: FailureLimiter?

    public func connect(_ client: SocketIOClient, auth: String?) async throws {
        guard let token = token().map(LPRToken.init) else { return }
        let presented = auth.flatMap { $0.data(using: .utf8) }
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }?["token"] as? String
            ?? client.query["token"]
        guard presented != nil, let seconds = failures?.retryAfter(client.remoteAddress) else {
            return try check(presented, against: token, client: client)
        }
        logger.notice("Socket.IO client refused: locked out after too many wrong tokens", metadata: ["remote": "\(client.remoteAddress ?? "-")"])
        throw SocketIORefusal("Too many wrong tokens from this address: try again in \(seconds) s")
    }

    private func check(_ presented: String?, against token: LPRToken, client: SocketIOClient) throws {
        guard let presented, token.matches(presented) else {
            logger.notice("Socket.IO client refused: missing or wrong lpr token", metadata: ["remote": "\(client.remoteAddress ?? "-")"])
            if presented != nil, failures?.recordFailure(client.remoteAddress, kind: "lpr_token") == true {
                logger.warning("a client is locked out after too many wrong credentials", metadata: ["client": "\(client.remoteAddress ?? "-")", "kind": "lpr_token"])
            }
            throw SocketIORefusal(presented == nil ? "Not authorized: an lpr token is required" : "Not authorized: invalid token")
        }
    }

    public func connected(_ client: SocketIOClient) async {
        client.emit("connect", RecordJSON.text(LPRAnswers.connected()))
    }

    public func event(_ name: String, arguments: [Any], from client: SocketIOClient, ack: SocketIOAck) async {
        let body = JSONObject(fields: arguments.first as? [String: Any] ?? [:])
        switch name {
        case "camera_register":
            let reply: [String: Any]
            do {
                let registered = try await lpr.register(body, origin: Self.origin)
                camerasBySocket.withLock { _ = $0[client.sessionID, default: []].insert(registered.cameraID) }
                lpr.announcer.cameraStatus(registered.cameraID, checkpointID: registered.checkpointID, online: true, rooms: client)
                reply = LPRAnswers.registered(registered)
            } catch {
                reply = failure(error, event: name, client: client)
            }
            answer(client, "camera_register", RecordJSON.text(reply), ack)
        case "lpr_data":
            await store(answering: "lpr_response", client: client, ack: ack) {
                let record = try await lpr.detectionRecord(body, origin: Self.origin)
                return Stored(item: .detection(record), reply: LPRAnswers.detectionStored(record)) { [lpr] in
                    lpr.announcer.detection(record, rooms: client)
                }
            }
        case "health_status":
            await store(answering: "health_response", client: client, ack: ack) {
                let report = try await lpr.healthReport(body, origin: Self.origin)
                return Stored(item: .health(report), reply: LPRAnswers.healthStored(report)) { [lpr] in
                    lpr.announcer.health(report, rooms: client)
                }
            }
        case "ping":
            answer(client, "pong", RecordJSON.text(LPRAnswers.pong(to: arguments.first as? [String: Any] ?? [:])), ack)
        case "join_dashboard", "join_health_room":
            let room = name == "join_dashboard" ? "dashboard" : "health_monitoring"
            client.join(room)
            answer(client, "status", RecordJSON.text(LPRAnswers.joined(room)), ack)
        default:
            answer(client, "error", RecordJSON.text(LPRAnswers.failure("unknown event '\(name)'")), ack)
        }
    }

    /// A validated record, what to answer once it is committed, and whom to tell.
    struct Stored: Sendable {
        let item: RecordWriter.Item
        let reply: String
        let announce: @Sendable () -> Void

        init(item: RecordWriter.Item, reply: [String: Any], announce: @escaping @Sendable () -> Void) {
            self.item = item
            self.reply = RecordJSON.text(reply)
            self.announce = announce
        }
    }

    /// Validates now and answers once committed: the next event is read meanwhile, and the record
    /// writer puts many records in one transaction.
    private func store(answering event: String, client: SocketIOClient, ack: SocketIOAck, _ validate: () async throws -> Stored) async {
        do {
            let stored = try await validate()
            await lpr.writer.enqueue(stored.item) { [self] result in
                switch result {
                case .success:
                    answer(client, event, stored.reply, ack)
                    stored.announce()
                case .failure(let error):
                    answer(client, event, RecordJSON.text(failure(error, event: event, client: client)), ack)
                }
            }
        } catch {
            answer(client, event, RecordJSON.text(failure(error, event: event, client: client)), ack)
        }
    }

    /// Sends the answer as `event`, and as the acknowledgement when one was asked for.
    private func answer(_ client: SocketIOClient, _ event: String, _ reply: String, _ ack: SocketIOAck) {
        client.emit(event, reply)
        ack.reply(reply)
    }

    /// The answer to a failed event (`{success: false, error, message}`, missing fields named), after
    /// the `error` event the original clients listen for.
    private func failure(_ error: any Error, event: String, client: SocketIOClient) -> [String: Any] {
        let answer: [String: Any]
        switch error {
        case let missing as LPRIngest.MissingFields:
            answer = LPRAnswers.failure(missing.message, missing: missing.names)
        case let failure as ValidationFailure:
            answer = LPRAnswers.failure(failure.message)
        case let error where OutOfSpace.matches(error):
            // The same as REST's 507, so an edge device can tell "retry later" from "bad".
            logger.warning("Socket.IO event refused: the disk is full", metadata: ["event": "\(event)"])
            answer = LPRAnswers.failure(OutOfSpace.message, code: CamHubError.Code.insufficientStorage.rawValue)
        case let error where DiskFault.matches(error):
            logger.error("Socket.IO event failed: the disk reported an I/O error", metadata: ["event": "\(event)", "error": "\(error)"])
            answer = LPRAnswers.failure(DiskFault.message, code: CamHubError.Code.diskError.rawValue)
        case let error as CamHubError where error.code != .storage:
            answer = LPRAnswers.failure(error.message, code: error.code.rawValue)
        case is CancellationError:
            // The client went away with the event in flight: nothing was acknowledged, nothing is wrong here.
            logger.debug("Socket.IO event dropped: its client went away", metadata: ["event": "\(event)"])
            answer = LPRAnswers.failure("the connection closed before the record was stored")
        default:
            logger.error("Socket.IO event failed", metadata: ["event": "\(event)", "error": "\(error)"])
            answer = LPRAnswers.failure("the record could not be stored")
        }
        let reason = answer["message"] as? String ?? "error"
        if error is LPRIngest.MissingFields || error is ValidationFailure || (error as? CamHubError)?.code == .stopped {
            logger.notice("Socket.IO event refused", metadata: ["event": "\(event)", "client": "\(client.remoteAddress ?? "-")", "reason": "\(reason)"])
        }
        client.emit("error", RecordJSON.text(LPRAnswers.errorEvent(error, message: reason)))
        return answer
    }

    public func disconnect(_ client: SocketIOClient) async {
        let cameras = camerasBySocket.withLock { $0.removeValue(forKey: client.sessionID) } ?? []
        for camera in cameras.sorted() {
            lpr.announcer.cameraStatus(camera, checkpointID: nil, online: false, rooms: client)
        }
    }
}
