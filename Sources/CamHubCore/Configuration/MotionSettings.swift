/// How motion is found on one camera (a camera's `motion` object in the config, over the top-level
/// `motion` defaults). Areas and coordinates are fractions of the picture, so they hold whatever
/// size the camera sends and whatever size motion is computed at.
public struct MotionSettings: Sendable, Equatable {
    public var enabled = false
    /// How far (0 to 255) a pixel's luminance must be from the background to count as changed.
    public var threshold = 25
    /// The smallest region that counts, as a fraction of the picture.
    public var minArea = 0.002
    /// How fast the background follows the picture: the weight of each new frame (0 to 1).
    public var frameAlpha = 0.05
    /// Over this fraction of the picture changed at once (lights switched, auto exposure,
    /// lightning), the background is reset instead of motion being reported.
    public var lightningThreshold = 0.6
    /// Frames with motion in a row that start an event.
    public var minFrames = 2
    /// Seconds without motion that end an event.
    public var eventGap = 5.0
    /// Seconds of frames kept from before an event starts, and after it ends, in its clip.
    public var preCapture = 3.0
    public var postCapture = 3.0
    /// Named areas: an event names the ones its motion touched.
    public var zones: [MotionZone] = []
    /// Areas where motion never counts.
    public var masks: [MotionPolygon] = []
    /// Motion counts only when it touches one of the zones.
    public var requireZone = false
    /// Ask the vision model (`vlm`) for a caption of each event's peak frame, once per event.
    public var caption = false

    public init() {}

    /// The first bad setting, as its key under `key` and why.
    public func problem(key: String) -> (key: String, message: String)? {
        if !(1...255).contains(threshold) { return ("\(key).threshold", "must be between 1 and 255, got \(threshold)") }
        if !(0.0001...1).contains(minArea) { return ("\(key).min_area", "must be a fraction of the picture between 0.0001 and 1, got \(minArea)") }
        if !(0.001...1).contains(frameAlpha) { return ("\(key).frame_alpha", "must be between 0.001 and 1, got \(frameAlpha)") }
        if !(0.05...1).contains(lightningThreshold) {
            return ("\(key).lightning_threshold", "must be a fraction of the picture between 0.05 and 1, got \(lightningThreshold)")
        }
        if !(1...100).contains(minFrames) { return ("\(key).min_frames", "must be between 1 and 100, got \(minFrames)") }
        if !(0.5...3600).contains(eventGap) { return ("\(key).event_gap", "must be between 0.5 and 3600 seconds, got \(eventGap)") }
        if !(0...60).contains(preCapture) { return ("\(key).pre_capture", "must be between 0 and 60 seconds, got \(preCapture)") }
        if !(0...60).contains(postCapture) { return ("\(key).post_capture", "must be between 0 and 60 seconds, got \(postCapture)") }
        if zones.count > 32 { return ("\(key).zones", "must hold at most 32 zones") }
        if masks.count > 32 { return ("\(key).masks", "must hold at most 32 masks") }
        var names = Set<String>()
        for (index, zone) in zones.enumerated() {
            if !(1...64).contains(zone.name.count) { return ("\(key).zones[\(index)].name", "must be 1 to 64 characters") }
            if !names.insert(zone.name).inserted { return ("\(key).zones[\(index)].name", "duplicate zone name '\(zone.name)'") }
            if let problem = Self.problem(of: zone.polygon) { return ("\(key).zones[\(index)].polygon", problem) }
        }
        for (index, mask) in masks.enumerated() {
            if let problem = Self.problem(of: mask) { return ("\(key).masks[\(index)]", problem) }
        }
        if requireZone, zones.isEmpty { return ("\(key).require_zone", "needs at least one zone") }
        return nil
    }

    private static func problem(of polygon: MotionPolygon) -> String? {
        guard (3...64).contains(polygon.points.count) else { return "must have 3 to 64 points" }
        guard polygon.points.allSatisfy({ (0...1).contains($0.x) && (0...1).contains($0.y) }) else {
            return "coordinates must be between 0 and 1 (fractions of the picture)"
        }
        return nil
    }
}
