/// Everything `camhub serve` can be configured with. Each section keeps its defaults beside its
/// fields, so the first-run config file and this file say the same thing.
public struct HubConfiguration: Sendable, Equatable {
    public var server = ServerSettings()
    public var database = DatabaseSettings()
    public var logging = LoggingSettings()
    public var hub = HubSettings()
    public var registration = RegistrationSettings()
    public var push = PushSettings()
    public var lpr = LPRSettings()
    public var vlm = VisionModelSettings()
    public var policy = PolicySettings()
    public var cluster = ClusterSettings()
    /// Motion analysis: how often, and every camera's defaults.
    public var motion = MotionConfiguration()
    /// How long events and their clips are kept.
    public var events = EventSettings()
    /// Receivers of the hub's events, each with its URL, secret and the event types it wants.
    public var webhooks: [WebhookSettings] = []
    /// What sources the API may set.
    public var sources = SourceSettings()
    /// Limits on wrong credentials.
    public var security = SecuritySettings()
    /// Cameras the hub captures itself. When the list is empty the built-in test pattern is used.
    public var cameras: [LocalCameraSettings] = [.defaultTestPattern]

    public init() {}

    /// A configured camera's motion settings: the top-level defaults with its own `motion` on top.
    public func motionSettings(of camera: LocalCameraSettings) -> MotionSettings {
        camera.motion?.applied(to: motion.defaults) ?? motion.defaults
    }

    /// Any camera's motion settings in force: its config entry's when the config declares it,
    /// else the defaults with the registry's own (`PUT /cameras/{id}/motion`) on top, turned on
    /// by `set_task motion`.
    public func motionSettings(of camera: Camera) -> MotionSettings {
        if let configured = effectiveCameras.first(where: { $0.id == camera.id }) { return motionSettings(of: configured) }
        var settings = camera.settings.motion?.applied(to: motion.defaults) ?? motion.defaults
        if camera.settings.task == "motion" { settings.enabled = true }
        return settings
    }

    /// The cameras to run: the configured ones, or the test pattern when none is named.
    public var effectiveCameras: [LocalCameraSettings] {
        cameras.isEmpty ? [.defaultTestPattern] : cameras
    }
}

extension HubConfiguration: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case server, database, logging, hub, registration, push, lpr, vlm, policy, cluster, motion, events, webhooks, sources, security, cameras
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        server = try c.value(.server, default: server)
        database = try c.value(.database, default: database)
        logging = try c.value(.logging, default: logging)
        hub = try c.value(.hub, default: hub)
        registration = try c.value(.registration, default: registration)
        push = try c.value(.push, default: push)
        lpr = try c.value(.lpr, default: lpr)
        vlm = try c.value(.vlm, default: vlm)
        policy = try c.value(.policy, default: policy)
        cluster = try c.value(.cluster, default: cluster)
        motion = try c.value(.motion, default: motion)
        events = try c.value(.events, default: events)
        webhooks = try c.value(.webhooks, default: webhooks)
        sources = try c.value(.sources, default: sources)
        security = try c.value(.security, default: security)
        cameras = try c.value(.cameras, default: cameras)
    }
}
