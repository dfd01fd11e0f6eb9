import CamHubCapture
public import CamHubCore
import HummingbirdWSClient
public import Logging
import Foundation
import NIOCore
public import ServiceLifecycle
import Synchronization

/// `camhub agent --transport ws`: a seed 003 camera. It captures a source and pushes each newest
/// frame over `/video-input-stream` (camera id, token, then length-prefixed JPEGs, each piece in
/// its own binary message, as the original client sends them). A dropped socket or a restarted
/// hub is retried with backoff; a slow link skips frames instead of queueing them.
///
/// It asks for commands (`?commands=json`, which the original server ignores): camhub sends each
/// command queued for the camera as a text message the moment it is queued, through whichever hub
/// of the site, and the agent obeys it as the HTTP agent obeys its heartbeat's.
public struct PushAgent: Service {
    public struct Options: Sendable {
        /// The hubs' base URLs (`http://` or `https://`): one hub, a balancer, or several hubs of
        /// one site, tried in turn each time a connection fails or ends.
        public var hubs: [String]
        public var cameraID: UInt32
        public var token: String
        /// The CA that signed an `https://` hub's certificate, when not one the system trusts.
        public var caFile: String?

        public init(hubs: [String], cameraID: UInt32, token: String) {
            precondition(!hubs.isEmpty, "an agent needs a hub")
            self.hubs = hubs.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            self.cameraID = cameraID
            self.token = token
        }

        /// The push path on the `index`th hub (in turn), as a `ws://` or `wss://` URL, asking for commands.
        public func streamURL(_ index: Int) -> String {
            let hub = hubs[index % hubs.count]
            let scheme = hub.hasPrefix("https://") ? "wss://" : "ws://"
            let rest = hub.drop { $0 != ":" }.dropFirst(3)
            return scheme + rest + "/video-input-stream?commands=json"
        }
    }

    let options: Options
    private let capture: AgentCapture
    let logger: Logger

    public init(options: Options, capture: LocalCameraSettings, logger: Logger) {
        self.options = options
        self.capture = AgentCapture(settings: AgentSettings(capture: capture))
        self.logger = logger
    }

    public func run() async throws {
        let feed = CameraFeed(cameraID: String(options.cameraID))
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await capture.run(into: feed, logger: logger) }
                group.addTask { await pushLoop(feed) }
            }
        }
        logger.info("agent stopped")
    }

    /// Connects, pushes until the socket ends, and connects again after a backoff, to the next hub
    /// when it was given several.
    private func pushLoop(_ feed: CameraFeed) async {
        var backoff = Backoff()
        var attempt = 0
        while !Task.isCancelled {
            let sent = Mutex(0)
            let url = options.streamURL(attempt)
            attempt += 1
            do {
                let close = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 16), tlsConfiguration: HubTrust.configuration(caFile: options.caFile), logger: logger
                ) { inbound, outbound, _ in
                    try await outbound.write(.binary(Self.uint32(options.cameraID)))
                    var token = Self.uint32(UInt32(options.token.utf8.count))
                    token.writeString(options.token)
                    try await outbound.write(.binary(token))
                    logger.info("pushing to the hub", metadata: ["url": "\(url)", "camera": "\(options.cameraID)"])
                    try await push(feed, to: outbound, until: inbound) { sent.withLock { $0 += 1 } }
                }
                if let close, close.closeCode != .normalClosure {
                    logger.error("the hub closed the socket", metadata: ["code": "\(close.closeCode)", "reason": "\(close.reason ?? "")"])
                }
            } catch {
                guard !Task.isCancelled else { return }
                logger.warning("hub unavailable, retrying", metadata: ["url": "\(url)", "error": "\(error)"])
            }
            if sent.withLock({ $0 }) > 0 { backoff.reset() }
            guard !Task.isCancelled else { return }
            try? await Task.sleep(for: backoff.nextDelay())
        }
    }

    /// Sends each newest frame as `uint32 LE length + JPEG` in one message, and obeys the
    /// commands the hub sends, until the hub closes the socket (the inbound side ends) or the task
    /// is cancelled.
    private func push(
        _ feed: CameraFeed, to outbound: WebSocketOutboundWriter, until inbound: WebSocketInboundStream, sent: @escaping @Sendable () -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let text) = message else { continue }
                    guard let pushed = try? JSONDecoder().decode(PushedCommand.self, from: Data(text.utf8)), pushed.type == "command" else {
                        logger.warning("the hub sent a text message that is not a command; ignored", metadata: ["bytes": "\(text.utf8.count)"])
                        continue
                    }
                    capture.apply(type: pushed.command.type, value: pushed.command.value, logger: logger)
                }
            }
            group.addTask {
                try await feed.withViewer { viewer in
                    while let frame = await viewer.next() {
                        let jpeg = try CameraAgent.sized(frame, to: capture.settings.capture)
                        var message = Self.uint32(UInt32(jpeg.count))
                        message.writeBytes(jpeg)
                        try await outbound.write(.binary(message))
                        sent()
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// A command as the hub sends it over the push socket.
    struct PushedCommand: Decodable {
        struct Command: Decodable {
            let type: String
            let value: CommandValue
        }

        let type: String
        let command: Command
    }

    static func uint32(_ value: UInt32) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(value, endianness: .little)
        return buffer
    }
}
