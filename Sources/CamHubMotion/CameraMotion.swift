import CamHubCapture
import CamHubCore
import Foundation
import Logging
import Synchronization

/// One camera's motion state: its detector, its event tracker, its decoder, and the event under
/// way. `MotionService` works on a camera from one task at a time; the lock keeps that true.
final class CameraMotion: Sendable {
    let cameraID: CameraID
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var detector: MotionDetector
        var tracker: MotionEventTracker
        let decoder: UnsafeTransfer<LumaDecoder>
        var lastSequence: UInt64?
        var event: CameraEvent?
        var peakPicture: [UInt8] = []
        var latest: MotionService.Live?
    }

    /// The last frame analysed: what the camera page draws over its live view.
    var latest: MotionService.Live? { state.withLock { $0.latest } }

    /// What to store after a frame.
    enum Stored: Sendable {
        case started(CameraEvent, picture: [UInt8])
        case ended(CameraEvent, picture: [UInt8])
    }

    init(cameraID: CameraID, settings: MotionSettings) {
        self.cameraID = cameraID
        state = Mutex(State(detector: MotionDetector(settings: settings), tracker: MotionEventTracker(settings: settings), decoder: UnsafeTransfer(LumaDecoder())))
    }

    /// What a frame came to.
    enum Outcome: Sendable {
        /// Seen already, or not a JPEG that decodes.
        case skipped
        /// Analysed; with the event to store when one started or ended.
        case analysed(Stored?)
    }

    /// Analyses `frame` unless it was analysed already.
    func analyse(_ frame: Frame, settings: MotionSettings, logger: Logger) -> Outcome {
        state.withLock { state -> Outcome in
            guard frame.sequence != state.lastSequence else { return .skipped }
            state.lastSequence = frame.sequence
            if state.detector.settings != settings {
                state.detector.settings = settings
                (state.tracker.minFrames, state.tracker.eventGap) = (settings.minFrames, settings.eventGap)
            }
            let plane: LumaPlane
            do {
                plane = try state.decoder.value.decode(frame.jpeg)
            } catch {
                logger.debug("a frame could not be decoded for motion", metadata: ["camera": "\(cameraID)", "error": "\(error)"])
                return .skipped
            }
            let result = state.detector.analyse(plane)
            defer { state.latest = MotionService.Live(timestamp: frame.timestamp, result: result, eventID: state.event?.id) }
            switch state.tracker.record(result, at: frame.timestamp.seconds) {
            case .started(let summary):
                let event = CameraEvent(
                    cameraID: cameraID, start: Date(timeIntervalSince1970: summary.start), zones: summary.zones,
                    boxes: summary.peakBoxes.map(\.eventBox), peakArea: summary.peakArea
                )
                state.event = event
                state.peakPicture = frame.jpeg
                return .analysed(.started(event, picture: frame.jpeg))
            case .peaked(let summary):
                state.event?.peakArea = summary.peakArea
                state.event?.boxes = summary.peakBoxes.map(\.eventBox)
                state.event?.zones = summary.zones
                state.peakPicture = frame.jpeg
                return .analysed(nil)
            case .ended(let summary):
                guard var event = state.event else { return .analysed(nil) }
                event.end = summary.end.map(Date.init(timeIntervalSince1970:))
                event.zones = summary.zones
                state.event = nil
                return .analysed(.ended(event, picture: state.peakPicture))
            case nil:
                return .analysed(nil)
            }
        }
    }

    /// Names the clip of the event under way, so its end is stored with it.
    func recordClip(_ name: String?) {
        state.withLock { $0.event?.clip = name }
    }

    /// Ends the event under way (the camera is no longer analysed, or the hub stops), at its last
    /// frame with motion.
    func endNow() -> Stored? {
        state.withLock { state in
            guard var event = state.event, let summary = state.tracker.current else { return nil }
            event.end = Date(timeIntervalSince1970: summary.lastMotion)
            state.event = nil
            return .ended(event, picture: state.peakPicture)
        }
    }
}

/// Holds a value that is not `Sendable` (a TurboJPEG handle) inside a lock that serializes it.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension MotionBox {
    var eventBox: EventBox { EventBox(x: x, y: y, width: width, height: height) }
}
