import CamHubCore
import CamHubMotion
import Testing

@Suite("Motion events")
struct MotionEventTrackerTests {
    static let moving = MotionResult(boxes: [MotionBox(x: 0.1, y: 0.1, width: 0.2, height: 0.2, area: 0.03)], area: 0.03, zones: ["yard"])
    static let bigger = MotionResult(boxes: [MotionBox(x: 0.1, y: 0.1, width: 0.4, height: 0.4, area: 0.1)], area: 0.1, zones: ["door"])
    static let still = MotionResult()

    @Test func minFramesInARowStartAnEventAndEventGapEndsIt() {
        var tracker = MotionEventTracker(minFrames: 3, eventGap: 2)
        // Two frames, then a still one: the streak is broken, no event.
        #expect(tracker.record(Self.moving, at: 0.0) == nil)
        #expect(tracker.record(Self.moving, at: 0.2) == nil)
        #expect(tracker.record(Self.still, at: 0.4) == nil)
        #expect(tracker.record(Self.moving, at: 0.6) == nil)
        #expect(tracker.record(Self.moving, at: 0.8) == nil)
        guard case .started(let started) = tracker.record(Self.moving, at: 1.0) else {
            Issue.record("three frames in a row did not start an event")
            return
        }
        #expect(started.start == 0.6 && started.frames == 3 && started.zones == ["yard"])
        // A larger region is the new peak; a smaller one is not news.
        guard case .peaked(let peaked) = tracker.record(Self.bigger, at: 1.2) else {
            Issue.record("a larger region was not a new peak")
            return
        }
        #expect(peaked.peakArea == 0.1 && peaked.peakAt == 1.2 && peaked.zones == ["door", "yard"])
        #expect(tracker.record(Self.moving, at: 1.4) == nil)
        // Still frames under event_gap keep it open; a still frame after it ends it at its last motion.
        #expect(tracker.record(Self.still, at: 2.0) == nil)
        #expect(tracker.record(Self.still, at: 3.3) == nil)
        guard case .ended(let ended) = tracker.record(Self.still, at: 3.4) else {
            Issue.record("event_gap without motion did not end the event")
            return
        }
        #expect(ended.end == 1.4 && ended.frames == 5 && ended.peakArea == 0.1)
        #expect(tracker.current == nil)
    }

    @Test func aBackgroundResetIsNotMotion() {
        var tracker = MotionEventTracker(minFrames: 1, eventGap: 1)
        #expect(tracker.record(MotionResult(backgroundReset: true), at: 0) == nil)
        #expect(tracker.current == nil)
    }
}
