public import Foundation
public import CamHubCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Runs the configured cameras' sources, and changes them while the hub runs.
///
/// `apply` compares a new camera list with the running one: added cameras start, removed ones
/// stop (their feed closes, so their viewers' streams end), changed ones restart with the new
/// settings into the same feed, and unchanged ones are not touched, so their viewers never notice.
/// A failing source is started again as its reconnect settings say; an `on_demand` camera runs
/// only while someone watches it. Each camera's `CaptureOutput` holds its seed 001 statistics.
///
/// Cameras come from two declarations, each applied on its own: this hub's config file, and the
/// site's network cameras this hub has the lease on. Applying one never touches the other's.
public final class LocalCameras: Service, Sendable {
    /// Who asked for a camera to be captured here.
    public enum Declaration: Sendable, Equatable {
        /// This hub's config file (`cameras`).
        case config
        /// The site's registry: a network camera declared through the API that this hub captures
        /// while it holds the camera's lease.
        case site
    }

    /// What `apply` did, by camera id.
    public struct Change: Sendable, Equatable, Encodable {
        public var added: [CameraID] = []
        public var removed: [CameraID] = []
        public var changed: [CameraID] = []
        public var unchanged: [CameraID] = []
    }

    private struct Running {
        let settings: LocalCameraSettings
        let declaration: Declaration
        let stop: StopSignal
        let output: CaptureOutput
    }

    private struct State {
        var running: [CameraID: Running] = [:]
        var toStart: [Running] = []
        /// Cameras an operator stopped: their settings are kept, their source is not run.
        var paused: Set<CameraID> = []
        var wake: CheckedContinuation<Void, Never>?
        var shuttingDown = false

        /// The waiting `run` loop, to resume once the lock is released, when there is something
        /// to start. With nothing to start it keeps waiting: taking it then would lose it.
        mutating func takeWakeIfStarting() -> CheckedContinuation<Void, Never>? {
            guard !toStart.isEmpty else { return nil }
            defer { wake = nil }
            return wake
        }
    }

    let frames: FrameHub
    let logger: Logger
    /// How long an on-demand camera keeps running after its last viewer leaves, so a page reload
    /// or a second snapshot does not pay for a cold start.
    let onDemandGrace: Duration
    private let state = Mutex(State())

    public init(cameras: [LocalCameraSettings], frames: FrameHub, logger: Logger, onDemandGrace: Duration = .seconds(5)) {
        self.frames = frames
        self.logger = logger
        self.onDemandGrace = onDemandGrace
        _ = apply(cameras, declaredBy: .config)
    }

    /// Where a local camera's frames go and are counted, for a source run outside the supervisor
    /// (tests play one); nil for a camera that is not a local one.
    public func output(for id: CameraID) -> CaptureOutput? {
        state.withLock { $0.running[id]?.output }
    }

    /// How a camera's capture is going; nil for a camera that is not a local one.
    public func statistics(for id: CameraID, now: Date = Date()) -> CaptureStatistics? {
        output(for: id)?.statistics(now: now)
    }

    /// The settings of the cameras that are meant to run.
    public var cameras: [LocalCameraSettings] {
        state.withLock { $0.running.values.map(\.settings) }.sorted { $0.id < $1.id }
    }

    /// Makes `cameras` the running set of `declaration`'s cameras; see the type's description.
    @discardableResult
    public func apply(_ cameras: [LocalCameraSettings], declaredBy declaration: Declaration = .config) -> Change {
        let wanted = Dictionary(cameras.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let (change, stopped, wake) = state.withLock { state -> (Change, [(CameraID, StopSignal, Bool)], CheckedContinuation<Void, Never>?) in
            var change = Change()
            var stopped: [(CameraID, StopSignal, Bool)] = []
            for (id, running) in state.running where wanted[id] == nil && running.declaration == declaration {
                change.removed.append(id)
                stopped.append((id, running.stop, true))
                state.running[id] = nil
            }
            for (id, settings) in wanted {
                if let running = state.running[id] {
                    guard running.settings.capture != settings.capture else {
                        change.unchanged.append(id)
                        continue
                    }
                    change.changed.append(id)
                    stopped.append((id, running.stop, false))
                } else {
                    change.added.append(id)
                }
                let fresh = makeRunning(settings, declaredBy: declaration)
                state.running[id] = fresh
                if !state.paused.contains(id) { state.toStart.append(fresh) }
            }
            state.paused = state.paused.filter { state.running[$0] != nil }
            return (change, stopped, state.takeWakeIfStarting())
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

    /// Restarts one camera's source (or all of them), keeping its feed and viewers. A stopped
    /// camera stays stopped.
    @discardableResult
    public func restart(_ id: CameraID? = nil) -> [CameraID] {
        let (current, stops, wake) = state.withLock { state -> ([LocalCameraSettings], [StopSignal], CheckedContinuation<Void, Never>?) in
            let current = state.running.values.map(\.settings).filter { (id == nil || $0.id == id) && !state.paused.contains($0.id) }
                .sorted { $0.id < $1.id }
            var stops: [StopSignal] = []
            for settings in current {
                guard let running = state.running[settings.id] else { continue }
                stops.append(running.stop)
                let fresh = makeRunning(settings, declaredBy: running.declaration)
                state.running[settings.id] = fresh
                state.toStart.append(fresh)
            }
            return (current, stops, state.takeWakeIfStarting())
        }
        for stop in stops { stop.fire() }
        wake?.resume()
        return current.map(\.id)
    }

    /// Stops a camera's source and keeps it stopped (`true`), or runs it again into a fresh feed
    /// (`false`); see `Camera.isStopped`. Unknown ids and repeated calls change nothing.
    public func setStopped(_ id: CameraID, _ stopped: Bool) {
        let (stop, wake) = state.withLock { state -> (StopSignal?, CheckedContinuation<Void, Never>?) in
            guard let running = state.running[id] else { return (nil, nil) }
            if stopped {
                guard state.paused.insert(id).inserted else { return (nil, nil) }
                state.toStart.removeAll { $0.settings.id == id }
                return (running.stop, nil)
            }
            guard state.paused.remove(id) != nil else { return (nil, nil) }
            let fresh = makeRunning(running.settings, declaredBy: running.declaration)
            state.running[id] = fresh
            state.toStart.append(fresh)
            return (nil, state.takeWakeIfStarting())
        }
        stop?.fire()
        wake?.resume()
    }

    /// Whether an operator stopped the camera.
    public func isStopped(_ id: CameraID) -> Bool {
        state.withLock { $0.paused.contains(id) }
    }

    private func makeRunning(_ settings: LocalCameraSettings, declaredBy declaration: Declaration) -> Running {
        let output = CaptureOutput(
            feed: frames.feed(for: settings.id), connectedWithin: settings.maxFrameAge > 0 ? settings.maxFrameAge : 5
        )
        return Running(settings: settings, declaration: declaration, stop: StopSignal(), output: output)
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
        let output = camera.output
        let source: any FrameSource
        do {
            source = try settings.makeSource()
        } catch {
            logger.error("camera cannot start", metadata: ["camera": "\(settings.id)", "error": "\(error)"])
            output.failed("\(error)", reconnectAttempt: nil)
            return
        }
        logger.info("camera started", metadata: ["camera": "\(settings.id)", "source": "\(SourceAddress.redacted(settings.source))"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                if settings.onDemand {
                    await self.runWhileWatched(source, settings: settings, output: output)
                } else {
                    await self.supervise(source, settings: settings, output: output)
                }
            }
            group.addTask { await camera.stop.wait() }
            await group.next()
            group.cancelAll()
        }
        logger.info("camera stopped", metadata: ["camera": "\(settings.id)"])
    }

    /// An on-demand camera: idle, with its source stopped and no stale frame kept, until someone
    /// watches; then supervised until nobody has watched for `onDemandGrace`.
    private func runWhileWatched(_ source: any FrameSource, settings: LocalCameraSettings, output: CaptureOutput) async {
        let feed = output.feed
        while !Task.isCancelled {
            output.moved(to: .idle)
            feed.discardFrames()
            await feed.waitUntilWatched()
            guard !Task.isCancelled else { return }
            logger.info("on-demand camera woken by a viewer", metadata: ["camera": "\(settings.id)"])
            output.moved(to: .starting)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.supervise(source, settings: settings, output: output) }
                group.addTask { await self.waitUntilUnwatched(feed) }
                await group.next()
                group.cancelAll()
            }
            logger.info("on-demand camera idle: nobody watches", metadata: ["camera": "\(settings.id)"])
        }
    }

    /// Returns once nobody has watched `feed` for `onDemandGrace`.
    private func waitUntilUnwatched(_ feed: CameraFeed) async {
        while !Task.isCancelled {
            await feed.waitUntilUnwatched()
            try? await Task.sleep(for: onDemandGrace)
            if feed.demand == 0 { return }
        }
    }

    /// The source with its reconnects, and the "no signal" picture while it is down.
    private func supervise(_ source: any FrameSource, settings: LocalCameraSettings, output: CaptureOutput) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.capture(source, settings: settings, into: output) }
            if settings.maxFrameAge > 0 {
                group.addTask { await self.showNoSignal(settings: settings, output: output) }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Runs the source, and runs it again after a failure as the camera's settings say: after
    /// `reconnect_interval`, doubling per failure in a row up to 30 s, at most
    /// `max_reconnect_attempts` times in a row (0: forever), or never without `auto_reconnect`.
    /// A run that lasted a minute counts as a success.
    private func capture(_ source: any FrameSource, settings: LocalCameraSettings, into output: CaptureOutput) async {
        var failuresInARow = 0
        while !Task.isCancelled {
            let started = ContinuousClock.now
            var failure = "the source ended"
            do {
                try await source.run(into: output)
            } catch is CancellationError {
                return
            } catch {
                failure = "\(error)"
                logger.error("camera source failed", metadata: ["camera": "\(settings.id)", "error": "\(error)"])
            }
            guard !Task.isCancelled else { return }
            failuresInARow = ContinuousClock.now - started > .seconds(60) ? 1 : failuresInARow + 1
            let givesUp = !settings.autoReconnect
                || (settings.maxReconnectAttempts > 0 && failuresInARow > settings.maxReconnectAttempts)
            output.failed(failure, reconnectAttempt: givesUp ? nil : failuresInARow)
            guard !givesUp else {
                logger.error(
                    settings.autoReconnect ? "camera gave up after \(settings.maxReconnectAttempts) attempts" : "camera source ended; auto_reconnect is off",
                    metadata: ["camera": "\(settings.id)"]
                )
                await waitForever()
                return
            }
            try? await Task.sleep(for: Self.reconnectDelay(settings: settings, failuresInARow: failuresInARow))
            output.moved(to: .starting)
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
    private func showNoSignal(settings: LocalCameraSettings, output: CaptureOutput) async {
        var renderer = TestPatternRenderer(width: settings.width, height: settings.height, title: settings.name)
        let supervisedSince = Date()
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            guard !Task.isCancelled else { return }
            let downSince = max(output.statistics().lastFrameAt ?? supervisedSince, supervisedSince)
            guard Date().timeIntervalSince(downSince) > settings.maxFrameAge else { continue }
            guard let jpeg = try? JPEGEncoder().encode(renderer.renderNoSignal(since: downSince), quality: settings.jpegQuality) else { continue }
            output.feed.publish(jpeg: jpeg, width: settings.width, height: settings.height)
        }
    }
}
