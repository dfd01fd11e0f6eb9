import CamHubCore
import Foundation
import Testing

@Suite("Camera activity")
struct CameraActivityTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func camera(state: CameraState = .active, lastSeen: Date? = nil, kind: CameraKind = .registered) -> Camera {
        Camera(id: "c", name: "c", kind: kind, source: "usb", state: state, lastSeenAt: lastSeen)
    }

    @Test func activeWhileHeartbeatsOrFramesArriveThenInactive() {
        let recent = now.addingTimeInterval(-60)
        let old = now.addingTimeInterval(-301)
        #expect(CameraActivity.status(of: camera(lastSeen: recent), newestFrameAt: nil, now: now, inactiveAfter: 300) == .active)
        #expect(CameraActivity.status(of: camera(lastSeen: old), newestFrameAt: nil, now: now, inactiveAfter: 300) == .inactive)
        #expect(CameraActivity.status(of: camera(lastSeen: old), newestFrameAt: recent, now: now, inactiveAfter: 300) == .active)
        #expect(CameraActivity.status(of: camera(lastSeen: nil), newestFrameAt: old, now: now, inactiveAfter: 300) == .inactive)
    }

    @Test func neverSeenStoppedAndErrorStates() {
        #expect(CameraActivity.status(of: camera(state: .registered), newestFrameAt: nil, now: now, inactiveAfter: 300) == .registered)
        #expect(CameraActivity.status(of: camera(kind: .local), newestFrameAt: nil, now: now, inactiveAfter: 300) == .inactive)
        #expect(CameraActivity.status(of: camera(state: .stopped, lastSeen: now), newestFrameAt: now, now: now, inactiveAfter: 300) == .stopped)
        #expect(CameraActivity.status(of: camera(state: .error, lastSeen: now), newestFrameAt: nil, now: now, inactiveAfter: 300) == .error)
    }

    @Test func localCameraIsJudgedByItsCaptureNotByNoSignalFrames() {
        let local = camera(kind: .local)
        var capture = CaptureStatistics(startedAt: now.addingTimeInterval(-100))
        capture.phase = .idle
        #expect(CameraActivity.status(of: local, newestFrameAt: now, capture: capture, now: now, inactiveAfter: 300) == .idle)
        // A "no signal" picture keeps the feed's newest frame fresh, but the source is down.
        capture.phase = .reconnecting
        #expect(CameraActivity.status(of: local, newestFrameAt: now, capture: capture, now: now, inactiveAfter: 300) == .error)
        capture.phase = .failed
        #expect(CameraActivity.status(of: local, newestFrameAt: now, capture: capture, now: now, inactiveAfter: 300) == .error)
        capture.phase = .starting
        #expect(CameraActivity.status(of: local, newestFrameAt: now, capture: capture, now: now, inactiveAfter: 300) == .inactive)
        capture.phase = .streaming
        capture.lastFrameAt = now.addingTimeInterval(-1)
        #expect(CameraActivity.status(of: local, newestFrameAt: now, capture: capture, now: now, inactiveAfter: 300) == .active)
        capture.lastFrameAt = now.addingTimeInterval(-400)
        #expect(CameraActivity.status(of: local, newestFrameAt: now, capture: capture, now: now, inactiveAfter: 300) == .inactive)
        #expect(CameraActivity.status(of: camera(state: .stopped, kind: .local), newestFrameAt: now, capture: capture, now: now, inactiveAfter: 300) == .stopped)
    }
}
