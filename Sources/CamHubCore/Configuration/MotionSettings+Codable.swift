/// The config's motion settings: the top-level `motion` (its `fps` and the defaults of every
/// camera) and each camera entry's `motion` object, which names only what differs for it.
/// Polygons are lists of `[x, y]` pairs from 0 to 1.
extension MotionSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, threshold, zones, masks, caption
        case minArea = "min_area"
        case frameAlpha = "frame_alpha"
        case lightningThreshold = "lightning_threshold"
        case minFrames = "min_frames"
        case eventGap = "event_gap"
        case preCapture = "pre_capture"
        case postCapture = "post_capture"
        case requireZone = "require_zone"
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        try MotionOverrides(from: decoder).apply(to: &self)
    }

    public func encode(to encoder: any Encoder) throws {
        try MotionOverrides(self).encode(to: encoder)
    }
}

extension MotionPolygon: Codable {
    public init(from decoder: any Decoder) throws {
        let pairs = try [[Double]](from: decoder)
        guard pairs.allSatisfy({ $0.count == 2 }) else {
            throw ConfigurationError(key: ConfigurationLoader.dottedPath(decoder.codingPath), "expected a list of [x, y] pairs")
        }
        self.init(pairs.map { Point(x: $0[0], y: $0[1]) })
    }

    public func encode(to encoder: any Encoder) throws {
        try points.map { [$0.x, $0.y] }.encode(to: encoder)
    }
}

extension MotionZone: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, polygon
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init(name: try c.required(.name), polygon: try c.required(.polygon))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(polygon, forKey: .polygon)
    }
}

/// Motion settings as a config object gives them: only the keys it names. A camera's `motion`
/// object is applied over the top-level defaults.
public struct MotionOverrides: Sendable, Equatable, Codable {
    public var enabled: Bool?
    public var threshold: Int?
    public var minArea: Double?
    public var frameAlpha: Double?
    public var lightningThreshold: Double?
    public var minFrames: Int?
    public var eventGap: Double?
    public var preCapture: Double?
    public var postCapture: Double?
    public var zones: [MotionZone]?
    public var masks: [MotionPolygon]?
    public var requireZone: Bool?
    public var caption: Bool?

    public init() {}

    /// Every value of `settings`.
    init(_ settings: MotionSettings) {
        (enabled, threshold, minArea, frameAlpha) = (settings.enabled, settings.threshold, settings.minArea, settings.frameAlpha)
        (lightningThreshold, minFrames, eventGap) = (settings.lightningThreshold, settings.minFrames, settings.eventGap)
        (preCapture, postCapture, zones, masks, requireZone) = (settings.preCapture, settings.postCapture, settings.zones, settings.masks, settings.requireZone)
        caption = settings.caption
    }

    typealias CodingKeys = MotionSettings.CodingKeys

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, alsoKnown: [])
    }

    init(from decoder: any Decoder, alsoKnown: [String]) throws {
        let c = try ConfigSection<CodingKeys>(decoder, alsoKnown: alsoKnown)
        enabled = try c.value(.enabled, default: nil)
        threshold = try c.value(.threshold, default: nil)
        minArea = try c.value(.minArea, default: nil)
        frameAlpha = try c.value(.frameAlpha, default: nil)
        lightningThreshold = try c.value(.lightningThreshold, default: nil)
        minFrames = try c.value(.minFrames, default: nil)
        eventGap = try c.value(.eventGap, default: nil)
        preCapture = try c.value(.preCapture, default: nil)
        postCapture = try c.value(.postCapture, default: nil)
        zones = try c.value(.zones, default: nil)
        masks = try c.value(.masks, default: nil)
        requireZone = try c.value(.requireZone, default: nil)
        caption = try c.value(.caption, default: nil)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(enabled, forKey: .enabled)
        try c.encodeIfPresent(threshold, forKey: .threshold)
        try c.encodeIfPresent(minArea, forKey: .minArea)
        try c.encodeIfPresent(frameAlpha, forKey: .frameAlpha)
        try c.encodeIfPresent(lightningThreshold, forKey: .lightningThreshold)
        try c.encodeIfPresent(minFrames, forKey: .minFrames)
        try c.encodeIfPresent(eventGap, forKey: .eventGap)
        try c.encodeIfPresent(preCapture, forKey: .preCapture)
        try c.encodeIfPresent(postCapture, forKey: .postCapture)
        try c.encodeIfPresent(zones, forKey: .zones)
        try c.encodeIfPresent(masks, forKey: .masks)
        try c.encodeIfPresent(requireZone, forKey: .requireZone)
        try c.encodeIfPresent(caption, forKey: .caption)
    }

    /// `settings` with these values in place of its own.
    public func apply(to settings: inout MotionSettings) {
        if let enabled { settings.enabled = enabled }
        if let threshold { settings.threshold = threshold }
        if let minArea { settings.minArea = minArea }
        if let frameAlpha { settings.frameAlpha = frameAlpha }
        if let lightningThreshold { settings.lightningThreshold = lightningThreshold }
        if let minFrames { settings.minFrames = minFrames }
        if let eventGap { settings.eventGap = eventGap }
        if let preCapture { settings.preCapture = preCapture }
        if let postCapture { settings.postCapture = postCapture }
        if let zones { settings.zones = zones }
        if let masks { settings.masks = masks }
        if let requireZone { settings.requireZone = requireZone }
        if let caption { settings.caption = caption }
    }

    public func applied(to settings: MotionSettings) -> MotionSettings {
        var settings = settings
        apply(to: &settings)
        return settings
    }
}

/// The top-level `motion`: how often each camera is analysed, and every camera's defaults.
public struct MotionConfiguration: Sendable, Equatable {
    /// Analysed frames per second per camera (the newest frame each time).
    public var fps = 5
    public var defaults = MotionSettings()

    public init() {}
}

extension MotionConfiguration: Codable {
    enum FPSKey: String, CodingKey, CaseIterable { case fps }

    /// One object: `fps` beside the defaults' own keys.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try ConfigSection<FPSKey>(decoder, alsoKnown: MotionSettings.CodingKeys.allCases.map(\.rawValue))
        fps = try c.value(.fps, default: fps)
        try MotionOverrides(from: decoder, alsoKnown: ["fps"]).apply(to: &defaults)
    }

    public func encode(to encoder: any Encoder) throws {
        try defaults.encode(to: encoder)
        var c = encoder.container(keyedBy: FPSKey.self)
        try c.encode(fps, forKey: .fps)
    }
}
