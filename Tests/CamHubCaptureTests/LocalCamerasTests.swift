@testable import CamHubCapture
import CamHubCore
import Foundation
import Logging
import Testing

@Suite("Camera supervision")
struct SupervisionTests {
    @Test func reconnectsBackOffFromTheIntervalUpTo30Seconds() {
        var settings = LocalCameraSettings(id: "cam", name: "Cam")
        settings.reconnectInterval = 2
        let delays = (1...6).map { LocalCameras.reconnectDelay(settings: settings, failuresInARow: $0) }
        #expect(delays == [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
        settings.reconnectInterval = 45
        #expect(LocalCameras.reconnectDelay(settings: settings, failuresInARow: 3) == .seconds(45))
    }

    @Test func aSourceThatIsDownShowsANoSignalFrameOfTheCamerasSize() async throws {
        var settings = LocalCameraSettings(id: "down", name: "Down")
        settings.source = "file:/nonexistent-folder-for-camhub-tests"
        settings.width = 160
        settings.height = 120
        settings.maxFrameAge = 0.5
        settings.reconnectInterval = 0.2
        let frames = FrameHub()
        let cameras = LocalCameras(cameras: [settings], frames: frames, logger: .init(label: "test"))
        try await Self.whileRunning(cameras) {
            let deadline = ContinuousClock.now + .seconds(10)
            while frames.existingFeed(for: "down")?.newest == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let shown = try #require(frames.existingFeed(for: "down")?.newest)
            #expect(shown.width == 160 && shown.height == 120)
            #expect(JPEGHeader(shown.jpeg) != nil)
        }
    }

    /// Runs the supervisor while `body` runs, and stops it afterwards.
    static func whileRunning(_ cameras: LocalCameras, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await cameras.run() }
            try await body()
            group.cancelAll()
        }
    }

    static func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func aStoppedCameraCapturesNothingUntilStartedAndStaysStoppedThroughRestartAndReapply() async throws {
        var settings = LocalCameraSettings(id: "pausable", name: "Pausable")
        settings.width = 64
        settings.height = 48
        settings.fps = 50
        let frames = FrameHub()
        let cameras = LocalCameras(cameras: [settings], frames: frames, logger: .init(label: "test"))
        // Stopped before the supervisor runs (a camera the registry says is stopped): never started.
        cameras.setStopped("pausable", true)
        try await Self.whileRunning(cameras) {
            try await Task.sleep(for: .milliseconds(300))
            #expect(cameras.statistics(for: "pausable")?.framesCaptured == 0)
            #expect(cameras.restart("pausable").isEmpty)
            #expect(cameras.apply([settings]).unchanged == ["pausable"])
            var changed = settings
            changed.fps = 25
            #expect(cameras.apply([changed]).changed == ["pausable"])
            try await Task.sleep(for: .milliseconds(300))
            #expect(cameras.statistics(for: "pausable")?.framesCaptured == 0)
            #expect(cameras.isStopped("pausable"))

            cameras.setStopped("pausable", false)
            try await Self.waitUntil { (cameras.statistics(for: "pausable")?.framesCaptured ?? 0) > 2 }
            #expect(!cameras.isStopped("pausable"))

            cameras.setStopped("pausable", true)
            try await Task.sleep(for: .milliseconds(200))
            let afterStop = cameras.statistics(for: "pausable")?.framesCaptured ?? 0
            try await Task.sleep(for: .milliseconds(300))
            #expect(cameras.statistics(for: "pausable")?.framesCaptured == afterStop)
            // Removing it forgets that it was stopped.
            cameras.apply([])
            #expect(!cameras.isStopped("pausable"))
        }
    }

    @Test func anOnDemandCameraRunsOnlyWhileWatched() async throws {
        var settings = LocalCameraSettings(id: "lazy", name: "Lazy")
        settings.width = 64
        settings.height = 48
        settings.fps = 50
        settings.onDemand = true
        let frames = FrameHub()
        let cameras = LocalCameras(cameras: [settings], frames: frames, logger: .init(label: "test"), onDemandGrace: .milliseconds(200))
        try await Self.whileRunning(cameras) {
            try await Self.waitUntil { cameras.statistics(for: "lazy")?.phase == .idle }
            try await Task.sleep(for: .milliseconds(200))
            #expect(cameras.statistics(for: "lazy")?.framesCaptured == 0)
            #expect(frames.feed(for: "lazy").newest == nil)

            // The first viewer wakes it.
            let frame = await frames.feed(for: "lazy").withViewer { await $0.next() }
            #expect(frame?.width == 64)
            #expect(cameras.statistics(for: "lazy")?.phase == .streaming)

            // Nobody watches: after the grace period it stops and forgets its frames.
            try await Self.waitUntil { cameras.statistics(for: "lazy")?.phase == .idle }
            #expect(frames.feed(for: "lazy").newest == nil)
            let captured = cameras.statistics(for: "lazy")?.framesCaptured ?? 0
            #expect(captured > 0)
            try await Task.sleep(for: .milliseconds(200))
            #expect(cameras.statistics(for: "lazy")?.framesCaptured == captured)

            // A stream (a sink's watcher) wakes it too, and holds it while it lasts.
            frames.feed(for: "lazy").retainDemand()
            try await Self.waitUntil { (cameras.statistics(for: "lazy")?.framesCaptured ?? 0) > captured + 20 }
            #expect(cameras.statistics(for: "lazy")?.phase == .streaming)
            frames.feed(for: "lazy").releaseDemand()
            try await Self.waitUntil { cameras.statistics(for: "lazy")?.phase == .idle }
        }
    }

    @Test func aFailingSourceCountsItsErrorsAndGivesUpAfterItsAttempts() async throws {
        var settings = LocalCameraSettings(id: "broken", name: "Broken")
        settings.source = "file:/nonexistent-folder-for-camhub-tests"
        settings.reconnectInterval = 0.05
        settings.maxReconnectAttempts = 3
        settings.maxFrameAge = 0
        let cameras = LocalCameras(cameras: [settings], frames: FrameHub(), logger: .init(label: "test"))
        try await Self.whileRunning(cameras) {
            try await Self.waitUntil { cameras.statistics(for: "broken")?.phase == .reconnecting }
            try await Self.waitUntil { cameras.statistics(for: "broken")?.phase == .failed }
            let statistics = try #require(cameras.statistics(for: "broken"))
            #expect(statistics.connectionErrors == 4, "the first run and three attempts")
            #expect(statistics.reconnectAttempts == 3)
            #expect(statistics.framesCaptured == 0)
            #expect(!statistics.isConnected)
            #expect(statistics.lastError?.contains("cannot read folder") == true)
        }
    }

    @Test func aStreamingCameraIsConnectedAndCountsItsFrames() async throws {
        var settings = LocalCameraSettings(id: "tp", name: "TP")
        settings.width = 32
        settings.height = 32
        settings.fps = 50
        let cameras = LocalCameras(cameras: [settings], frames: FrameHub(), logger: .init(label: "test"))
        try await Self.whileRunning(cameras) {
            try await Self.waitUntil { (cameras.statistics(for: "tp")?.framesCaptured ?? 0) >= 5 }
            let statistics = try #require(cameras.statistics(for: "tp"))
            #expect(statistics.phase == .streaming)
            #expect(statistics.isConnected)
            #expect(statistics.connectionErrors == 0)
            #expect(statistics.lastFrameAge()! < 1)
            #expect(cameras.statistics(for: "unknown") == nil)
        }
    }

    @Test func applyingNothingNewKeepsTheSupervisorResponsive() async throws {
        var settings = LocalCameraSettings(id: "a", name: "A")
        settings.width = 32
        settings.height = 32
        let frames = FrameHub()
        let cameras = LocalCameras(cameras: [settings], frames: frames, logger: .init(label: "test"))
        let running = Task { try await cameras.run() }
        try await Self.waitUntil { frames.existingFeed(for: "a")?.newest != nil }
        // Nothing to start: the supervisor must keep waiting for the next change, not lose it.
        #expect(cameras.apply([settings]).unchanged == ["a"])
        #expect(cameras.restart("unknown").isEmpty)
        var added = settings
        added.id = "b"
        #expect(cameras.apply([settings, added]).added == ["b"])
        try await Self.waitUntil { frames.existingFeed(for: "b")?.newest != nil }
        running.cancel()
        let stopped = ContinuousClock.now
        try await running.value
        #expect(ContinuousClock.now - stopped < .seconds(2))
    }
}
