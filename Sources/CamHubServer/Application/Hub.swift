import CamHubAnalysis
import CamHubCapture
import CamHubCluster
public import CamHubCore
import CamHubPush
import CamHubLPR
import CamHubMotion
import CamHubSocketIO
import CamHubWebhooks
public import Foundation
import Logging

/// The running hub's shared parts, handed to every controller. One instance per application.
public struct Hub: Sendable {
    /// The configuration in force; it changes when the config is applied while running.
    public var configuration: HubConfiguration { configurationStore.current }
    let configurationStore: ConfigurationStore
    /// Where the configuration came from, so it can be read again the same way.
    public let paths: HubPaths
    let environment: [String: String]
    let overrides: ConfigurationOverrides
    /// The configured cameras' sources, changed live when the config is applied.
    let localCameras: LocalCameras
    public let frames: FrameHub
    public let cameras: any CameraRepository
    public let commands: any CommandRepository
    public let analyses: any AnalysisRepository
    /// LPR detections and health reports (seed 002).
    public let records: any RecordRepository
    /// What the cameras saw (motion events), and the pictures records and events name.
    public let events: any EventRepository
    let blobs: any BlobRepository
    /// Motion analysis of the cameras that ask for it, storing their events.
    let motion: MotionService
    /// The configured webhooks' outbox: what happened, told to them and retried until they take it.
    let webhooks: WebhookOutbox
    /// Events and clips kept within `events.retention_days` and `events.max_bytes`.
    let retention: EventRetention
    /// Which cameras that is, at each of its ticks.
    let motionTargets: MotionTargets
    /// The vision model's work queue; nil when no model is configured.
    let vision: AnalysisScheduler?
    public let systemUsage: SystemUsage
    public let startedAt: Date
    let access: Access
    /// Wrong credentials per client address, and who is locked out for them.
    let failures: FailureLimiter
    let dataKey: DataKey
    /// Seed 003 camera tokens.
    let pushTokens: PushTokens
    let pushStatistics = PushIngestStatistics()
    /// Open HTTP and WebSocket connections against `server.max_connections` and its per-address twin.
    let connections: ConnectionCounts
    /// What push sockets hold in partly received frames, under `hub.max_partial_bytes`.
    let partialBytes: PartialBytesBudget
    /// Each seed 003 camera's push socket, for replacing it and for viewers' messages to it.
    let pushConnections = PushConnections()
    /// Frames and detections refused from stopped cameras, for the status routes.
    let refusals = IngestRefusals()
    /// Seed 002: the shared validation and storage, and the Socket.IO server in front of it.
    let lpr: LPRIngest
    let socketIO: SocketIOServer
    /// Events for the web page's live socket.
    let liveEvents: LiveEvents
    /// MJPEG connections grouped by camera and event loop.
    let mjpegFanOuts: MJPEGFanOuts
    /// The log file, reopened on SIGHUP; nil when logging to the console only.
    let logFile: LogFile?
    /// This hub as a node of the site, and the cameras it holds.
    let cluster: ClusterMembership
    /// What the site's hubs prove themselves to each other with.
    let nodeSecret: NodeSecret
    /// Cameras another hub captures, relayed for this hub's viewers.
    let relays: FrameRelays
    /// Frames that arrived here for a camera another hub captures, handed to that hub.
    let forwarder: FrameForwarder
    /// This hub's clips (`<data-dir>/clips`), written while `events.clips` is on, served and kept
    /// within the retention either way.
    let clipStore: ClipStore
    /// Clips another hub of the site recorded.
    let clipFetcher: ClipFetcher
    /// The site's network cameras, captured here while this hub holds their lease.
    let siteCameras: SiteCameras
    /// The other hubs sharing the database, told what their viewers and cameras must know.
    let site: any SiteBroadcast
    /// Socket.IO requests for a session another hub holds, handed to that hub.
    let sessions: SessionForwarder

    init(
        configuration: HubConfiguration, paths: HubPaths, frames: FrameHub, cameras: any CameraRepository,
        commands: any CommandRepository, analyses: any AnalysisRepository, records: any RecordRepository, blobs: any BlobRepository,
        vision: AnalysisScheduler?, webSessions: any WebSessionRepository = MemoryWebSessionRepository(),
        events: any EventRepository = MemoryEventRepository(), webhookDeliveries: any WebhookRepository = MemoryWebhookRepository(),
        cluster: any ClusterRepository = MemoryClusterRepository(), site: any SiteBroadcast = LoneHubBroadcast(),
        nodeSecret: NodeSecret = NodeSecret(value: UUID().uuidString),
        adminToken: AdminToken, dataKey: DataKey, pushTokens: PushTokens, logger: Logger = Logger(label: "camhub"),
        logFile: LogFile? = nil, environment: [String: String] = [:], overrides: ConfigurationOverrides = .init(),
        systemUsage: SystemUsage = SystemUsage(), startedAt: Date = Date()
    ) {
        self.configurationStore = ConfigurationStore(configuration)
        self.paths = paths
        self.environment = environment
        self.overrides = overrides
        self.localCameras = LocalCameras(cameras: configuration.effectiveCameras, frames: frames, logger: logger)
        self.frames = frames
        self.cameras = cameras
        self.commands = commands
        self.analyses = analyses
        self.records = records
        self.events = events
        self.blobs = blobs
        let motionTargets = MotionTargets()
        self.motionTargets = motionTargets
        let liveEvents = LiveEvents()
        let clips = ClipStore(directory: paths.dataDirectory.appendingPathComponent("clips"))
        self.clipStore = clips
        let configurationStore = self.configurationStore
        let failures = FailureLimiter { configurationStore.current.security }
        self.partialBytes = PartialBytesBudget { configurationStore.current.hub.maxPartialBytes }
        let webhooks = WebhookOutbox(repository: webhookDeliveries, logger: logger, userAgent: "camhub/\(CamHubVersion.current)") {
            configurationStore.current.webhooks
        }
        self.webhooks = webhooks
        self.retention = EventRetention(events: events, blobs: blobs, clips: clips, logger: logger) { configurationStore.current.events }
        self.motion = MotionService(
            frames: frames, events: events, blobs: blobs,
            clips: configuration.events.clips ? ClipRecorder(store: clips, logger: logger) : nil, logger: logger,
            announce: { type, event in
                // This hub's web pages, and the other hubs' (through the site broadcast).
                let json = MotionAnnouncement.json(type, event)
                liveEvents.publish(MotionAnnouncement.topic, json)
                site.send(SiteEvent(topic: MotionAnnouncement.topic, json: json))
                webhooks.publish(type, data: MotionAnnouncement.eventJSON(event))
            },
            caption: { jpeg, event in
                // Only with a model configured; a failure leaves the event without one.
                try? await vision?.analyze(camera: event.cameraID, jpeg: jpeg, task: .caption, question: nil).text
            },
            targets: { await motionTargets.current() }
        )
        self.liveEvents = liveEvents
        let lpr = LPRIngest(
            cameras: cameras, writer: RecordWriter(repository: records),
            blobs: BlobStore(repository: blobs), events: liveEvents,
            refusals: refusals, site: site, notify: { type, json in webhooks.publish(type, data: json()) }
        )
        self.lpr = lpr
        let node = ClusterMembership.node(address: ClusterMembership.advertisedAddress(configuration), startedAt: startedAt)
        let socketIO = SocketIOServer(
            settings: SocketIOSettings(
                pingInterval: .seconds(configuration.lpr.pingIntervalSeconds), pingTimeout: .seconds(configuration.lpr.pingTimeoutSeconds),
                maxPayload: configuration.lpr.maxPayloadBytes
            ),
            handler: LPRSocketEvents(lpr: lpr, token: { configurationStore.current.lpr.token }, logger: logger, failures: failures),
            sessionTag: node.id
        )
        self.socketIO = socketIO
        self.vision = vision
        self.access = Access(
            trustLoopback: configuration.server.trustLoopback, adminToken: adminToken, sessions: OperatorSessions(repository: webSessions)
        )
        self.dataKey = dataKey
        self.failures = failures
        self.connections = ConnectionCounts(limits: .init(configuration.server))
        self.mjpegFanOuts = MJPEGFanOuts(stallLimit: .seconds(Int64(configuration.server.stalledViewerSeconds)))
        self.pushTokens = pushTokens
        self.systemUsage = systemUsage
        self.startedAt = startedAt
        self.logFile = logFile
        let membership = ClusterMembership(
            node: node, repository: cluster, settings: configuration.cluster, logger: logger,
            liveness: { owned in Self.liveness(of: owned, in: frames) }, socketSessions: { socketIO.sessionCount }
        )
        self.cluster = membership
        self.nodeSecret = nodeSecret
        self.relays = FrameRelays(
            membership: membership, secret: nodeSecret, frames: frames, maxFrameBytes: configuration.hub.maxFrameBytes, logger: logger
        )
        self.forwarder = FrameForwarder(secret: nodeSecret)
        self.clipFetcher = ClipFetcher(secret: nodeSecret)
        self.siteCameras = SiteCameras(
            registry: cameras, membership: membership, capture: localCameras,
            settings: { camera in try NetworkCamera.capture(camera, key: dataKey) }, logger: logger
        )
        self.sessions = SessionForwarder(membership: membership, secret: nodeSecret)
        self.site = site
        let hub = self
        motionTargets.attach(hub)
        // What the other hubs announce is shown here as if it were stored here, and what they
        // tell a camera's hub is done here when this hub holds the camera.
        site.subscribe { event in
            if SiteSignal.handles(event) {
                SiteSignal.apply(event, on: hub, logger: logger)
            } else if event.topic == MotionAnnouncement.topic {
                liveEvents.publish(MotionAnnouncement.topic, event.json)
            } else {
                lpr.announcer.deliver(event, rooms: socketIO)
            }
        }
    }

    /// The camera the seed paths (`/video_feed`, `/stream`, `/api/frame`, ...) serve: the first
    /// configured local camera.
    public var defaultCameraID: CameraID {
        configuration.effectiveCameras[0].id
    }

    public var defaultCamera: LocalCameraSettings {
        configuration.effectiveCameras[0]
    }

    /// A camera from the registry, or a `not_found` error.
    public func camera(_ id: CameraID) async throws -> Camera {
        guard let camera = try await cameras.camera(id: id) else {
            throw CamHubError.notFound("camera '\(id)' not found")
        }
        return camera
    }

    /// A camera that proved itself with its key. An unknown id is answered like a wrong key (401
    /// "Invalid camera credentials"), as seed 000 does, so the answer tells nobody which ids exist.
    func authenticatedCamera(_ id: CameraID, key: String?) async throws -> Camera {
        guard let key else { throw APIError.unauthorized("this call needs the camera's api_key") }
        guard let camera = try await cameras.camera(id: id) else { throw APIError.unauthorized(Access.invalidCredentials) }
        try access.requireCamera(camera, key: key)
        return camera
    }

    /// A camera's status for the APIs: active while heartbeats or frames arrive; for a local camera,
    /// what its capture says (see `CameraActivity`). A camera another hub holds is judged by the
    /// newest frame that hub reported too, so every hub gives the same answer.
    public func status(of camera: Camera, now: Date = Date()) -> CameraState {
        CameraActivity.status(
            of: camera, newestFrameAt: newestFrameAt(of: camera.id),
            capture: camera.kind.isCaptured ? localCameras.statistics(for: camera.id, now: now) : nil, now: now,
            inactiveAfter: TimeInterval(configuration.hub.inactiveAfter)
        )
    }

    /// A camera's frame rate for the APIs, to a tenth: as its frames arrive here, or, when none do,
    /// as the hub that holds it reported.
    func framesPerSecond(of id: CameraID, here statistics: FeedStatistics?) -> Double {
        let here = statistics?.framesPerSecond ?? 0
        let fps = here > 0 ? here : cluster.liveness(elsewhere: id)?.framesPerSecond ?? 0
        return (fps * 10).rounded() / 10
    }

    /// When a camera's newest frame entered the site: here, or on the hub that holds it.
    func newestFrameAt(of id: CameraID) -> Date? {
        let here = frames.existingFeed(for: id)?.newest.map { Date(timeIntervalSince1970: $0.timestamp.seconds) }
        return [here, cluster.liveness(elsewhere: id)?.lastFrameAt].compactMap { $0 }.max()
    }

    /// How the cameras this hub holds are doing, for the other hubs' answers.
    static func liveness(of cameras: Set<CameraID>, in frames: FrameHub) -> [CameraID: CameraLiveness] {
        var liveness: [CameraID: CameraLiveness] = [:]
        for id in cameras {
            guard let statistics = frames.existingFeed(for: id)?.statistics() else { continue }
            liveness[id] = CameraLiveness(
                lastFrameAt: statistics.newestTimestamp.map { Date(timeIntervalSince1970: $0.seconds) },
                framesPerSecond: statistics.framesPerSecond
            )
        }
        return liveness
    }

    /// Seconds since the hub started.
    public var uptime: Double { Date().timeIntervalSince(startedAt) }
}

extension Hub: CustomStringConvertible {
    /// What a log line shows for a hub or for anything holding one (a service's default
    /// description): never its fields, which hold keys, secrets and the environment.
    public var description: String { "Hub" }
}
