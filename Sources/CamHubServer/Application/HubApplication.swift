import CamHubAnalysis
public import CamHubCore
import CamHubPush
import CamHubCapture
import CamHubCluster
public import CamHubStorage
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
public import Logging
public import NIOCore
public import ServiceLifecycle

/// Builds the whole hub, so the executable and the tests run the same application.
public enum HubApplication {
    /// Registers the configured cameras in `stores` and assembles the HTTP application with one
    /// capture service per local camera.
    public static func build(
        configuration: HubConfiguration, paths: HubPaths, stores: HubStores, environment: [String: String] = [:],
        overrides: ConfigurationOverrides = .init(), tls: ServerTLS? = nil, logger: Logger, logFile: LogFile? = nil, shutdown: ShutdownSwitch = ShutdownSwitch(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let tightened = DataDirectory.tighten(paths.dataDirectory)
        if !tightened.isEmpty {
            logger.notice(
                "the data dir was readable by other users; it is now 0700 and its files 0600",
                metadata: ["data_dir": "\(paths.dataDirectory.path)", "changed": "\(tightened.count)"]
            )
        }
        let hub = Hub(
            configuration: configuration, paths: paths,
            frames: FrameHub(ringCapacity: configuration.hub.ringSize),
            // A shared database's registry caches itself, corrected by the notices of every hub's
            // changes; this hub's own database is cached here, as this hub is its only writer.
            cameras: stores.isShared ? stores.cameras : CachedCameraRepository(backing: stores.cameras),
            commands: stores.commands,
            analyses: stores.analyses,
            records: stores.records,
            blobs: stores.blobs,
            vision: visionScheduler(configuration.vlm), webSessions: stores.webSessions, events: stores.events, webhookDeliveries: stores.webhooks, cluster: stores.cluster,
            site: stores.site,
            nodeSecret: try await NodeSecret.load(shared: stores.sharedSecrets),
            adminToken: try await AdminToken.load(in: paths.dataDirectory, shared: stores.sharedSecrets, logger: logger),
            dataKey: try await DataKey.load(in: paths.dataDirectory, shared: stores.sharedSecrets),
            pushTokens: try await PushTokens.load(configuration: configuration, paths: paths, shared: stores.sharedSecrets),
            logger: logger, logFile: logFile, environment: environment, overrides: overrides
        )
        warnAboutOpenPaths(configuration, logger: logger)
        do {
            try await registerLocalCameras(configuration.effectiveCameras, in: hub)
        } catch where OutOfSpace.matches(error) {
            // Live video needs no disk: the cameras are captured, and a camera the registry does
            // not know yet is listed after the next start or config change with room to store it.
            logger.warning("the disk is full: the configured cameras are captured, but their registry entries were not updated")
        }
        var services: [any Service] = [hub.localCameras, ConfigurationSignals(hub: hub, tls: tls, logger: logger), CameraStatusWebhooks(hub: hub, logger: logger),
            AdminTokenWatch(hub: hub, logger: logger)]
        if configuration.policy.highCPU.enabled {
            services.append(HighCPUPolicyService(hub: hub, logger: logger))
        }
        return try application(
            hub: hub, shutdown: shutdown, services: services, tls: tls,
            address: .hostname(configuration.server.host, port: configuration.server.port),
            onServerRunning: onServerRunning, logger: logger
        )
    }

    /// The HTTP application around a hub: the router, the WebSocket upgrades, and the services.
    /// Services stop in reverse order, after the server.
    public static func application(
        hub: Hub, shutdown: ShutdownSwitch = ShutdownSwitch(), services: [any Service] = [], tls: ServerTLS? = nil,
        address: BindAddress = .hostname("127.0.0.1", port: 0),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }, logger: Logger? = nil
    ) throws -> some ApplicationProtocol {
        let upgrades = Router(context: HubWebSocketContext.self)
        upgrades.add(middleware: RequestOriginMiddleware(trusted: hub.configuration.server.trustedProxyRanges))
        upgrades.add(middleware: TrustedHostGuard(patterns: hub.configuration.server.trustedHosts))
        upgrades.addRoutes(WebSocketController(hub: hub).upgrades)
        return Application(
            router: try buildRouter(hub: hub, shutdown: shutdown),
            server: guardedServer(hub: hub, webSocketRouter: upgrades, tls: tls),
            configuration: .init(address: address, serverName: "camhub"),
            services: [hub.cluster, hub.relays, hub.siteCameras, hub.motion, hub.retention, hub.webhooks, hub.lpr.writer, SocketIOHeartbeatService(server: hub.socketIO)] + services,
            onServerRunning: onServerRunning,
            logger: logger
        )
    }

    /// HTTP/1 with WebSocket upgrades, behind a `ConnectionGuard` on every connection (and TLS
    /// in front of that when configured).
    static func guardedServer(hub: Hub, webSocketRouter: Router<HubWebSocketContext>, tls: ServerTLS?) -> HTTPServerBuilder {
        let server = hub.configuration.server
        let webSocketResponder = webSocketRouter.buildResponder()
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(idleTimeout: .seconds(Int64(server.idleTimeoutSeconds))),
            // A message may carry a whole frame and its length prefix, or a piece of one.
            // A client that does not answer the close frame within 2 s is cut off, so a peer
            // that stopped reading never holds a shutdown up. Liveness is `WebSocketLiveness`'s,
            // which lets a peer that sends without reading live.
            ws: .init(maxFrameSize: hub.configuration.hub.maxFrameBytes + 64 * 1024, autoPing: .disabled, closeTimeout: .seconds(2))
        )
        let settings = ConnectionGuard.Settings(headerTimeout: .seconds(Int64(server.headerTimeoutSeconds)))
        return HTTPServerBuilder { responder in
            GuardedChannel(
                inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                settings: settings, counts: hub.connections, tls: tls
            )
        }
    }

    /// The router with every controller, shared by `build` and the route tests.
    public static func buildRouter(hub: Hub, shutdown: ShutdownSwitch = ShutdownSwitch()) throws -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        let server = hub.configuration.server
        let cors = CORSPolicy(origins: server.corsOrigins)
        router.add(middleware: RequestOriginMiddleware(trusted: server.trustedProxyRanges))
        router.add(middleware: CORSMiddleware(policy: cors))
        router.add(middleware: RequestLogMiddleware(hub: hub))
        router.add(middleware: FailureLimitMiddleware(limiter: hub.failures))
        router.add(middleware: JSONErrorMiddleware(methods: RouteMethods(openAPI: Data(buffer: try StaticPageController.resource("openapi", "json")))))
        router.add(middleware: TrustedHostGuard(patterns: server.trustedHosts))
        router.add(middleware: CrossSiteGuard(cors: cors, publicOrigin: server.publicOrigin))
        router.addRoutes(CameraController(hub: hub).endpoints)
        router.addRoutes(RegistrationController(hub: hub).endpoints)
        router.addRoutes(FrameUploadController(hub: hub).endpoints)
        router.addRoutes(CommandController(hub: hub).endpoints)
        router.addRoutes(AnalysisController(hub: hub).endpoints)
        router.addRoutes(ServerController(hub: hub, shutdown: shutdown).endpoints)
        router.addRoutes(ConfigController(hub: hub).endpoints)
        router.addRoutes(USBCameraServerController(hub: hub).endpoints)
        router.addRoutes(CamServeController(hub: hub).endpoints)
        router.addRoutes(CameraServerController(hub: hub).endpoints)
        router.addRoutes(HealthController(hub: hub).endpoints)
        router.addRoutes(ClusterController(hub: hub).endpoints)
        router.addRoutes(MetricsController(hub: hub).endpoints)
        router.addRoutes(WebSocketController(hub: hub).endpoints)
        router.addRoutes(SocketIOController(hub: hub).endpoints)
        router.addRoutes(LPRController(hub: hub).endpoints)
        router.addRoutes(EventController(hub: hub).endpoints)
        router.addRoutes(WebhookController(hub: hub).endpoints)
        router.addRoutes(AuthController(hub: hub).endpoints)
        router.addRoutes(try StaticPageController(hub: hub).endpoints)
        return router
    }

    /// The configured vision model behind its work queue, or nil when `vlm.url` is unset.
    static func visionScheduler(_ settings: VisionModelSettings) -> AnalysisScheduler? {
        guard let url = settings.url, let model = settings.model else { return nil }
        let client = OpenAIVisionModel(
            settings: .init(
                url: url, model: model, apiKey: settings.apiKey, timeout: .seconds(settings.timeoutSeconds),
                captionPrompt: settings.captionPrompt
            )
        )
        return AnalysisScheduler(model: client, maxConcurrent: settings.maxConcurrency)
    }

    /// Self-registration and the LPR ingest are open by design (PRODUCT.md); say so when the hub
    /// is reachable from other machines and no token closes them.
    static func warnAboutOpenPaths(_ configuration: HubConfiguration, logger: Logger) {
        let host = configuration.server.host
        let loopbackOnly = host == "localhost" || host.hasPrefix("127.") || host == "::1"
        if !loopbackOnly, configuration.registration.token == nil {
            logger.warning(
                "POST /register is open to anyone who can reach this hub; set registration.token to require an enrollment token",
                metadata: ["host": "\(host)"]
            )
        }
        if !loopbackOnly, configuration.lpr.token == nil {
            logger.warning(
                "the LPR ingest (Socket.IO on /socket.io/ and POST /api/detection, /api/health) is open to anyone who can reach this hub; set lpr.token to require a token",
                metadata: ["host": "\(host)"]
            )
        }
    }

    /// Puts every configured camera in the registry, so local cameras are listed and managed like
    /// any other. A camera removed from the config stays registered (its records may refer to it).
    /// The registry, which listings show to anyone, keeps the source without its password.
    /// Puts the configured cameras in the registry, keeping a stopped one stopped, and takes out
    /// the local cameras that left the config (their records keep their camera id).
    static func registerLocalCameras(_ cameras: [LocalCameraSettings], in hub: Hub) async throws {
        // Hubs sharing a database each declare their own local cameras: the registry says which
        // hub declared each (by its address, which outlives a restart), so a hub removes only its own.
        let declaredBy = hub.cluster.node.address
        for settings in cameras {
            let existing = try await hub.cameras.camera(id: settings.id)
            let stopped = existing?.isStopped == true
            var metadata = existing?.metadata ?? [:]
            metadata[Self.declaredByKey] = declaredBy
            try await hub.cameras.upsert(
                Camera(
                    id: settings.id, name: settings.name, location: settings.location, kind: .local,
                    source: SourceAddress.redacted(settings.source), state: stopped ? .stopped : .active,
                    capabilities: existing?.capabilities ?? [], metadata: metadata,
                    createdAt: existing?.createdAt ?? Date(), lastSeenAt: existing?.lastSeenAt
                )
            )
            if stopped { hub.localCameras.setStopped(settings.id, true) }
            try await hub.cluster.claim(settings.id)
        }
        let configured = Set(cameras.map(\.id))
        for camera in try await hub.cameras.list() where camera.kind == .local && !configured.contains(camera.id) {
            guard (camera.metadata[Self.declaredByKey] ?? declaredBy) == declaredBy else { continue }
            try await hub.cameras.delete(id: camera.id)
            await hub.cluster.release(camera.id)
        }
    }

    /// The registry metadata naming the hub whose config declares a local camera.
    static let declaredByKey = "declared_by"
}
