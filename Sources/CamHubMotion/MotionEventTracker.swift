public import CamHubCore

/// Turns analysed frames into events: motion in `min_frames` analysed frames in a row starts one,
/// and no motion for `event_gap` seconds ends it. Times are seconds on any clock the caller
/// chooses (frame timestamps), so it is tested without waiting.
public struct MotionEventTracker: Sendable {
    public var minFrames: Int
    public var eventGap: Double

    private var streak: (count: Int, since: Double)?
    private var ongoing: MotionEventSummary?

    public init(minFrames: Int, eventGap: Double) {
        self.minFrames = minFrames
        self.eventGap = eventGap
    }

    public init(settings: MotionSettings) {
        self.init(minFrames: settings.minFrames, eventGap: settings.eventGap)
    }

    /// The event under way, if any.
    public var current: MotionEventSummary? { ongoing }

    /// What changed with this frame: an event started, its peak grew, or it ended.
    public enum Change: Sendable, Equatable {
        case started(MotionEventSummary)
        case peaked(MotionEventSummary)
        case ended(MotionEventSummary)
    }

    public mutating func record(_ result: MotionResult, at time: Double) -> Change? {
        guard result.hasMotion else {
            streak = nil
            guard var event = ongoing, time - event.lastMotion >= eventGap else { return nil }
            event.end = event.lastMotion
            ongoing = nil
            return .ended(event)
        }
        let since = streak?.since ?? time
        streak = (count: (streak?.count ?? 0) + 1, since: since)
        if var event = ongoing {
            event.lastMotion = time
            event.frames += 1
            event.zones = Array(Set(event.zones).union(result.zones)).sorted()
            let peaked = result.area > event.peakArea
            if peaked {
                event.peakArea = result.area
                event.peakBoxes = result.boxes
                event.peakAt = time
            }
            ongoing = event
            return peaked ? .peaked(event) : nil
        }
        guard let streak, streak.count >= minFrames else { return nil }
        let event = MotionEventSummary(
            start: streak.since, lastMotion: time, frames: streak.count, peakArea: result.area, peakBoxes: result.boxes, peakAt: time,
            zones: result.zones
        )
        ongoing = event
        return .started(event)
    }
}

/// One motion event as far as it has gone.
public struct MotionEventSummary: Sendable, Equatable {
    /// The first frame of the streak that started it.
    public var start: Double
    /// The last frame with motion.
    public var lastMotion: Double
    /// Set once it has ended: its last frame with motion.
    public var end: Double?
    /// Frames with motion in it.
    public var frames: Int
    public var peakArea: Double
    public var peakBoxes: [MotionBox]
    /// When the peak frame was analysed (its snapshot is that frame).
    public var peakAt: Double
    public var zones: [String]
}
