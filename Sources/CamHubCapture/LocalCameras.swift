import Foundation
public import CamHubCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Runs the configured cameras' sources, and changes them while the hub runs.
///
/// `apply` compares a new camera list with the running one: added cameras start, removed ones
/// stop (their feed closes, so their viewers' streams end), changed ones restart with the new
/// settings into the same feed, and unchanged ones are not touched, so their viewers never notice.
/// A failing source is logged and started again after `retryDelay`.
public final class LocalCameras: Service, Sendable {
    /// What `apply` did, by camera id.
    public struct Change: Sendable, Equatable, Encodable {
        public var added: [CameraID] = []
        public var removed: [CameraID] = []
        public var changed: [CameraID] = []
        public var unchanged: [CameraID] = []
    }

    private struct Running {
        let settings: LocalCameraSettings
        let stop: StopSignal
    }

    private struct State {
        var running: [CameraID: Running] = [:]
        var toStart: [Running] = []
        var wake: CheckedContinuation<Void, Never>?
        var shuttingDown = false
    }

    let frames: FrameHub
    let logger: Logger
    let retryDelay: Duration
    private let state = Mutex(State())

    public init(cameras: [LocalCameraSettings], frames: FrameHub, logger: Logger, retryDelay: Duration = .seconds(2)) {
        self.frames = frames
        self.logger = logger
        self.retryDelay = retryDelay
        _ = apply(cameras)
    }

    /// The settings of the cameras that are meant to run.
    public var cameras: [LocalCameraSettings] {
        state.withLock { $0.running.values.map(\.settings) }.sorted { $0.id < $1.id }
    }

    /// Makes `cameras` the running set; see the type's description.
    @discardableResult
    public func apply(_ cameras: [LocalCameraSettings]) -> Change {
        let wanted = Dictionary(cameras.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let (change, stopped, wake) = state.withLock { state -> (Change, [(CameraID, StopSignal, Bool)], CheckedContinuation<Void, Never>?) in
            var change = Change()
            var stopped: [(CameraID, StopSignal, Bool)] = []
            for (id, running) in state.running where wanted[id] == nil {
                change.removed.append(id)
                stopped.append((id, running.stop, true))
                state.running[id] = nil
            }
            for (id, settings) in wanted {
                if let running = state.running[id] {
                    guard running.settings != settings else {
                        change.unchanged.append(id)
                        continue
                    }
                    change.changed.append(id)
                    stopped.append((id, running.stop, false))
                } else {
                    change.added.append(id)
                }
                let fresh = Running(settings: settings, stop: StopSignal())
                state.running[id] = fresh
                state.toStart.append(fresh)
            }
            defer { state.wake = nil }
            return (change, stopped, state.toStart.isEmpty ? nil : state.wake)
        }
        for (id, stop, removed) in stopped {
            stop.fire()
            if removed { frames.removeFeed(for: id) }
        }
        wake?.resume()
        return Change(
            added: change.added.sorted(), removed: change.removed.sorted(), changed: change.changed.sorted(), unchanged: change.unchanged.sorted()
        )
    }

    /// Restarts one camera's source (or all of them), keeping its feed and viewers.
    @discardableResult
    public func restart(_ id: CameraID? = nil) -> [CameraID] {
        let current = cameras.filter { id == nil || $0.id == id }
        let (stops, wake) = state.withLock { state -> ([StopSignal], CheckedContinuation<Void, Never>?) in
            var stops: [StopSignal] = []
            for settings in current {
                if let running = state.running[settings.id] { stops.append(running.stop) }
                let fresh = Running(settings: settings, stop: StopSignal())
                state.running[settings.id] = fresh
                state.toStart.append(fresh)
            }
            defer { state.wake = nil }
            return (stops, state.wake)
        }
        for stop in stops { stop.fire() }
        wake?.resume()
        return current.map(\.id)
    }

    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    while let starts = await nextStarts() {
                        for camera in starts {
                            group.addTask { await self.runCamera(camera) }
                        }
                    }
                }
            } onGracefulShutdown: {
                self.stopAll()
            }
        } onCancel: {
            stopAll()
        }
    }

    /// Stops every camera and ends `run()`.
    private func stopAll() {
        let (stops, wake) = state.withLock { state -> ([StopSignal], CheckedContinuation<Void, Never>?) in
            state.shuttingDown = true
            defer { state.wake = nil }
            return (state.running.values.map(\.stop), state.wake)
        }
        for stop in stops { stop.fire() }
        wake?.resume()
    }

    /// Cameras waiting to be started; nil once the hub shuts down.
    private func nextStarts() async -> [Running]? {
        while true {
            let ready = state.withLock { state -> [Running]?? in
                if state.shuttingDown { return .some(nil) }
                guard !state.toStart.isEmpty else { return .none }
                defer { state.toStart = [] }
                return .some(state.toStart)
            }
            if case .some(let starts) = ready { return starts }
            await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.shuttingDown || !state.toStart.isEmpty { return true }
                    state.wake = wake
                    return false
                }
                if now { wake.resume() }
            }
        }
    }

    private func runCamera(_ camera: Running) async {
        let settings = camera.settings
        let source: any FrameSource
        do {
            source = try settings.makeSource()
        } catch {
            logger.error("camera cannot start", metadata: ["camera": "\(settings.id)", "error": "\(error)"])
            return
        }
        let feed = frames.feed(for: settings.id)
        logger.info("camera started", metadata: ["camera": "\(settings.id)", "source": "\(settings.source)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.capture(source, settings: settings, into: feed) }
            if settings.maxFrameAge > 0 {
                group.addTask { await self.showNoSignal(settings: settings, feed: feed) }
            }
            group.addTask { await camera.stop.wait() }
            await group.next()
            group.cancelAll()
        }
        logger.info("camera stopped", metadata: ["camera": "\(settings.id)"])
    }

    /// Runs the source, and runs it again after a failure as the camera's settings say: after
    /// `reconnect_interval`, doubling per failure in a row up to 30 s, at most
    /// `max_reconnect_attempts` times in a row (0: forever), or never without `auto_reconnect`.
    /// A run that lasted a minute counts as a success.
    private func capture(_ source: any FrameSource, settings: LocalCameraSettings, into feed: CameraFeed) async {
        var failuresInARow = 0
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await source.run(into: feed)
            } catch is CancellationError {
                return
            } catch {
                logger.error("camera source failed", metadata: ["camera": "\(settings.id)", "error": "\(error)"])
            }
            guard !Task.isCancelled else { return }
            failuresInARow = ContinuousClock.now - started > .seconds(60) ? 1 : failuresInARow + 1
            guard settings.autoReconnect else {
                logger.error("camera source ended; auto_reconnect is off", metadata: ["camera": "\(settings.id)"])
                await waitForever()
                return
            }
            if settings.maxReconnectAttempts > 0, failuresInARow > settings.maxReconnectAttempts {
                logger.error("camera gave up after \(settings.maxReconnectAttempts) attempts", metadata: ["camera": "\(settings.id)"])
                await waitForever()
                return
            }
            try? await Task.sleep(for: Self.reconnectDelay(settings: settings, failuresInARow: failuresInARow))
        }
    }

    static func reconnectDelay(settings: LocalCameraSettings, failuresInARow: Int) -> Duration {
        let seconds = settings.reconnectInterval * Double(1 << min(max(failuresInARow - 1, 0), 10))
        return .milliseconds(Int64(min(seconds, max(settings.reconnectInterval, 30)) * 1000))
    }

    /// Until cancelled: a camera that gave up stays stopped (and shows "no signal") until it is
    /// restarted or the config changes.
    private func waitForever() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    /// While no frame has come for `max_frame_age`, publishes a "no signal" picture once a second,
    /// so viewers see that the camera is down rather than a frozen frame. The first real frame
    /// replaces it.
    private func showNoSignal(settings: LocalCameraSettings, feed: CameraFeed) async {
        var renderer = TestPatternRenderer(width: settings.width, height: settings.height, title: settings.name)
        var ownSequence: UInt64 = 0
        var downSince = Date()
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            guard !Task.isCancelled else { return }
            let newest = feed.newest
            if let newest, newest.sequence != ownSequence {
                downSince = Date(timeIntervalSince1970: newest.timestamp.seconds)
            }
            guard Date().timeIntervalSince(downSince) > settings.maxFrameAge else { continue }
            guard let jpeg = try? JPEGEncoder().encode(renderer.renderNoSignal(since: downSince), quality: settings.jpegQuality) else { continue }
            ownSequence = feed.publish(jpeg: jpeg, width: settings.width, height: settings.height).sequence
        }
    }
}

/// A one-shot signal: `wait()` returns once `fire()` has been called, before or after.
final class StopSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.fired = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let fired = state.withLock { state -> Bool in
                    if state.fired { return true }
                    state.waiter = continuation
                    return false
                }
                if fired { continuation.resume() }
            }
        } onCancel: {
            fire()
        }
    }
}
