import CamHubCapture
import CamHubCore
import AsyncHTTPClient
public import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// `camhub agent`: the camera side of seed 000, in one Service.
///
/// Three loops run together: capture (the source publishes into a local feed), upload (sends the
/// newest captured frame each time the previous one has been accepted, so a slow link skips frames
/// instead of queueing them), and heartbeat (reports, collects commands, applies them). Any loop
/// that loses the hub backs off exponentially with jitter and resumes by itself.
public struct CameraAgent: Service {
    public struct Options: Sendable {
        public var hub: String
        public var name: String
        public var location: String
        public var stateFile: URL
        public var heartbeatInterval: Duration = .seconds(10)
        /// The CA that signed an `https://` hub's certificate, when not one the system trusts.
        public var caFile: String?
        /// How often a frame is sent for analysis while the hub has given the camera a task.
        public var analysisInterval: Duration = .seconds(10)

        public init(hub: String, name: String, location: String, stateFile: URL) {
            self.hub = hub.hasSuffix("/") ? String(hub.dropLast()) : hub
            self.name = name
            self.location = location
            self.stateFile = stateFile
        }
    }

    let options: Options
    let logger: Logger
    private let capture: AgentCapture
    private let state = Shared()

    public init(options: Options, settings: AgentSettings, logger: Logger) {
        self.options = options
        self.logger = logger
        self.capture = AgentCapture(settings: settings)
    }

    public func run() async throws {
        // A private CA needs a client of its own; otherwise the shared one.
        let http = options.caFile.map { HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: HubTrust.configuration(caFile: $0))) }
        let client = HubClient(hub: options.hub, client: http ?? .shared)
        let feed = CameraFeed(cameraID: "agent")
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await capture.run(into: feed, logger: logger) }
                group.addTask { await uploadLoop(feed, client: client) }
                group.addTask { await heartbeatLoop(feed, client: client) }
            }
        }
        try? await http?.shutdown()
        logger.info("agent stopped")
    }

    // MARK: Loops

    private func uploadLoop(_ feed: CameraFeed, client: HubClient) async {
        var backoff = Backoff()
        var lastAnalysis = ContinuousClock.now - options.analysisInterval
        await feed.withViewer { viewer in
            while let frame = await viewer.next() {
                // The heartbeat loop alone registers, so two loops never register twice.
                guard let identity = state.identity else {
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                do {
                    let settings = capture.settings
                    let jpeg = try Self.sized(frame, to: settings.capture)
                    if let task = settings.task, task != "motion", ContinuousClock.now - lastAnalysis >= options.analysisInterval {
                        lastAnalysis = .now
                        await analyse(jpeg, task: task, question: settings.question, identity: identity, client: client)
                    } else {
                        try await client.sendFrame(jpeg, identity: identity)
                    }
                    state.frameSent()
                    backoff.reset()
                } catch {
                    await handle(error, backoff: &backoff, during: "upload")
                }
            }
        }
    }

    private func heartbeatLoop(_ feed: CameraFeed, client: HubClient) async {
        var backoff = Backoff()
        while !Task.isCancelled {
            guard let identity = await identity(client: client) else {
                try? await Task.sleep(for: backoff.nextDelay())
                continue
            }
            do {
                let commands = try await client.heartbeat(identity, frameCount: state.framesSent, error: nil)
                for command in commands {
                    capture.apply(type: command.type, value: command.value, logger: logger)
                }
                backoff.reset()
                try? await Task.sleep(for: options.heartbeatInterval)
            } catch {
                await handle(error, backoff: &backoff, during: "heartbeat")
            }
        }
    }

    // MARK: Helpers

    /// The frame at the resolution the hub asked for: sources that render (the test pattern)
    /// already match; frames passed through from files are rescaled.
    static func sized(_ frame: Frame, to capture: LocalCameraSettings) throws -> [UInt8] {
        guard frame.width != capture.width || frame.height != capture.height else { return frame.jpeg }
        return try JPEGScaler().scale(frame.jpeg, toWidth: capture.width, height: capture.height, quality: capture.jpegQuality)
    }

    private func analyse(_ jpeg: [UInt8], task: String, question: String?, identity: AgentIdentity, client: HubClient) async {
        do {
            let reply = try await client.analyse(jpeg, task: task, question: question, identity: identity)
            let result = reply["result"] as? [String: Any]
            logger.info("analysis", metadata: ["task": "\(task)", "result": "\(result?["caption"] ?? result?["answer"] ?? "none")"])
        } catch {
            logger.warning("analysis failed", metadata: ["task": "\(task)", "error": "\(error)"])
        }
    }

    /// Logs a failure, forgets a rejected identity so it is registered anew, and waits.
    private func handle(_ error: any Error, backoff: inout Backoff, during activity: String) async {
        if let failure = error as? HubClient.Failure, failure.identityRejected {
            logger.warning("the hub no longer knows this camera; registering again", metadata: ["during": "\(activity)"])
            state.forgetIdentity()
        }
        let delay = backoff.nextDelay()
        logger.warning("hub unavailable, retrying", metadata: ["during": "\(activity)", "error": "\(error)", "retry_in": "\(delay)"])
        try? await Task.sleep(for: delay)
    }

    /// The agent's identity: remembered, loaded from the state file, or made by registering.
    /// Only the heartbeat loop calls this.
    private func identity(client: HubClient) async -> AgentIdentity? {
        if let known = state.identity {
            if state.identityIsUnsaved { save(known) }
            return known
        }
        if let saved = AgentIdentity.load(from: options.stateFile), saved.hub == options.hub, !state.identityWasRejected {
            state.identity = saved
            return saved
        }
        do {
            let identity = try await client.register(name: options.name, location: options.location, settings: capture.settings)
            state.identity = identity
            logger.info("registered", metadata: ["camera": "\(identity.cameraID)", "hub": "\(options.hub)"])
            save(identity)
            return identity
        } catch {
            logger.warning("registration failed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Writes the identity to the state file. A disk that refuses it (full, failing) must not
    /// make the agent register again, which would leave one more camera on the hub at each try:
    /// the identity is kept in memory, and saved again at each heartbeat until the disk takes it.
    private func save(_ identity: AgentIdentity) {
        do {
            try identity.save(to: options.stateFile)
            if state.identityIsUnsaved {
                logger.notice("the agent's identity is saved now", metadata: ["file": "\(options.stateFile.path)"])
            }
            state.identityIsUnsaved = false
        } catch {
            if !state.identityIsUnsaved {
                logger.error("the agent's identity could not be saved; it is kept in memory and saved again at each heartbeat (a restart before then registers a new camera)", metadata: [
                    "file": "\(options.stateFile.path)", "reason": "\(writeFailureReason(error))",
                ])
            }
            state.identityIsUnsaved = true
        }
    }
}

extension CameraAgent {
    /// What the upload and heartbeat loops share besides the settings: who the camera is to the
    /// hub, and how many frames went out.
    final class Shared: Sendable {
        private struct Values {
            var identity: AgentIdentity?
            var identityWasRejected = false
            /// Registered, but the state file does not hold it yet.
            var identityIsUnsaved = false
            var framesSent = 0
        }

        private let values = Mutex(Values())

        var framesSent: Int { values.withLock { $0.framesSent } }
        var identityWasRejected: Bool { values.withLock { $0.identityWasRejected } }

        var identityIsUnsaved: Bool {
            get { values.withLock { $0.identityIsUnsaved } }
            set { values.withLock { $0.identityIsUnsaved = newValue } }
        }

        var identity: AgentIdentity? {
            get { values.withLock { $0.identity } }
            set { values.withLock { $0.identity = newValue } }
        }

        func forgetIdentity() {
            values.withLock {
                $0.identity = nil
                $0.identityWasRejected = true
                $0.identityIsUnsaved = false
            }
        }

        func frameSent() {
            values.withLock { $0.framesSent += 1 }
        }
    }
}
