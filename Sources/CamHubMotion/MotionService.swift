public import CamHubCore
import CamHubCapture
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Runs motion detection on the cameras that ask for it, at `motion.fps`, and keeps their events.
///
/// Each tick takes every target camera's newest frame (newest wins: frames between ticks are never
/// looked at, so analysis can fall behind but never queue up), decodes its luminance at 1/8 and
/// runs its detector, a few cameras at a time (one per core but one) off the event loops. Ingest and
/// delivery never wait for it. An event is stored when it starts (with the frame that started it
/// as its snapshot), and again when it ends (with its peak frame); at start, events a crash left
/// under way are marked unfinished, and at a graceful stop the ones under way are ended. A camera
/// whose settings ask for a `caption` gets its event's peak frame captioned once the event ended,
/// by the vision model the hub gives (`caption`: nil without one, and then nothing is made up),
/// off the analysis loop, so a slow model never holds motion up.
public final class MotionService: Service, Sendable {
    /// A camera to analyse, with its settings.
    public struct Target: Sendable, Equatable {
        public var cameraID: CameraID
        public var settings: MotionSettings

        public init(cameraID: CameraID, settings: MotionSettings) {
            self.cameraID = cameraID
            self.settings = settings
        }
    }

    /// The cameras to analyse now and how often, read again at every tick (config reloads and
    /// `set_task motion` apply at once).
    public typealias Targets = @Sendable () async -> (fps: Int, cameras: [Target])
    /// Told of each event once stored: `motion_start` or `motion_end`, and the event.
    public typealias Announce = @Sendable (String, CameraEvent) -> Void
    /// A caption of a picture, or nil when there is no model or it failed.
    public typealias Caption = @Sendable (_ jpeg: [UInt8], _ event: CameraEvent) async -> String?

    private struct CaptionRequest: Sendable {
        let event: CameraEvent
        let picture: [UInt8]
    }

    private let frames: FrameHub
    private let events: any EventRepository
    private let blobs: any BlobRepository
    /// Each event's clip; nil keeps none.
    public let clips: ClipRecorder?
    private let targets: Targets
    private let announce: Announce
    private let caption: Caption
    private let captionQueue = Mutex<AsyncStream<CaptionRequest>.Continuation?>(nil)
    private let workers: Int
    private let logger: Logger
    private let cameras = Mutex<[CameraID: CameraMotion]>([:])
    private let counters = Mutex(Counters())

    /// What has been done, for `/metrics`.
    public struct Counters: Sendable, Equatable {
        public var framesAnalysed = 0
        public var eventsStarted = 0
        public var eventsEnded = 0
        public var storeFailures = 0
        public var captions = 0

        public init(framesAnalysed: Int = 0, eventsStarted: Int = 0, eventsEnded: Int = 0, storeFailures: Int = 0, captions: Int = 0) {
            (self.framesAnalysed, self.eventsStarted, self.eventsEnded, self.storeFailures) = (framesAnalysed, eventsStarted, eventsEnded, storeFailures)
            self.captions = captions
        }
    }

    public init(
        frames: FrameHub, events: any EventRepository, blobs: any BlobRepository, clips: ClipRecorder? = nil, logger: Logger,
        workers: Int = MotionService.defaultWorkers, announce: @escaping Announce = { _, _ in },
        caption: @escaping Caption = { _, _ in nil }, targets: @escaping Targets
    ) {
        self.announce = announce
        self.caption = caption
        self.frames = frames
        self.events = events
        self.blobs = blobs
        self.clips = clips
        self.targets = targets
        self.workers = max(1, workers)
        self.logger = logger
    }

    public var statistics: Counters { counters.withLock { $0 } }

    /// Cameras analysed at once: one core is left to the event loops, so ingest and delivery keep
    /// their latency however many cameras are analysed (measured: bench/fanout.py --motion).
    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount - 1) }

    /// What the last analysed frame of a camera showed, when this hub analyses it.
    public struct Live: Sendable, Equatable {
        public var timestamp: FrameTimestamp
        public var result: MotionResult
        /// The event under way, if any.
        public var eventID: String?
    }

    public func live(_ cameraID: CameraID) -> Live? {
        cameras.withLock { $0[cameraID] }?.latest
    }

    public func run() async throws {
        do {
            let unfinished = try await events.markUnfinished()
            if !unfinished.isEmpty { logger.notice("events left under way by the last run are marked unfinished", metadata: ["count": "\(unfinished.count)"]) }
        } catch {
            logger.warning("could not mark the events left under way", metadata: ["error": "\(error)"])
        }
        let (requests, continuation) = AsyncStream.makeStream(of: CaptionRequest.self, bufferingPolicy: .bufferingNewest(64))
        captionQueue.withLock { $0 = continuation }
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await request in requests { await self.captionEvent(request) }
            }
            if let clips {
                group.addTask { await clips.run() }
            }
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    let started = ContinuousClock.now
                    let (fps, targets) = await self.targets()
                    await self.tick(targets)
                    let period = Duration.milliseconds(1000 / max(1, fps))
                    try? await Task.sleep(until: started + period)
                }
            }
            await endEverything()
            clips?.finish()
            captionQueue.withLock { queue in
                queue?.finish()
                queue = nil
            }
        }
    }

    /// The peak frame's caption, stored with the event once the model answers.
    private func captionEvent(_ request: CaptionRequest) async {
        guard let text = await caption(request.picture, request.event) else { return }
        var event = request.event
        event.caption = text
        do {
            try await events.update(event)
            counters.withLock { $0.captions += 1 }
        } catch {
            logger.warning("an event's caption could not be stored", metadata: ["event": "\(event.id)", "error": "\(error)"])
        }
    }

    /// One pass: each target's newest frame, analysed if it is new; cameras no longer targeted
    /// end their events and are forgotten.
    public func tick(_ targets: [Target]) async {
        let wanted = Set(targets.map(\.cameraID))
        let dropped = cameras.withLock { cameras in
            let gone = cameras.filter { !wanted.contains($0.key) }
            for id in gone.keys { cameras[id] = nil }
            return Array(gone.values)
        }
        for camera in dropped {
            await end(camera)
            clips?.forget(camera.cameraID)
        }
        clips?.closeFinished()
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for target in targets {
                if running == workers {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.step(target) }
                running += 1
            }
        }
    }

    private func state(for target: Target) -> CameraMotion {
        cameras.withLock { cameras in
            if let camera = cameras[target.cameraID] { return camera }
            let camera = CameraMotion(cameraID: target.cameraID, settings: target.settings)
            cameras[target.cameraID] = camera
            return camera
        }
    }

    private func step(_ target: Target) async {
        guard let feed = frames.existingFeed(for: target.cameraID) else { return }
        clips?.watch(target.cameraID, feed: feed, preCapture: target.settings.preCapture)
        guard let frame = feed.newest else { return }
        let camera = state(for: target)
        guard case .analysed(let change) = camera.analyse(frame, settings: target.settings, logger: logger) else { return }
        counters.withLock { $0.framesAnalysed += 1 }
        if let change { await store(change, of: camera, settings: target.settings) }
    }

    private func store(_ change: CameraMotion.Stored, of camera: CameraMotion, settings: MotionSettings? = nil) async {
        do {
            switch change {
            case .started(var event, let picture):
                event.snapshot = try await snapshot(picture, of: event, number: 1)
                event.clip = clips?.begin(event)
                camera.recordClip(event.clip)
                try await events.add(event)
                counters.withLock { $0.eventsStarted += 1 }
                announce("motion_start", event)
                logger.info("motion started", metadata: ["camera": "\(event.cameraID)", "event": "\(event.id)", "zones": "\(event.zones)"])
            case .ended(var event, let picture):
                event.snapshot = try await snapshot(picture, of: event, number: 2)
                clips?.end(event, postCapture: settings?.postCapture ?? 0)
                try await events.update(event)
                counters.withLock { $0.eventsEnded += 1 }
                announce("motion_end", event)
                if settings?.caption == true { captionQueue.withLock { _ = $0?.yield(CaptionRequest(event: event, picture: picture)) } }
                logger.info("motion ended", metadata: ["camera": "\(event.cameraID)", "event": "\(event.id)", "peak_area": "\(event.peakArea)"])
            }
        } catch {
            counters.withLock { $0.storeFailures += 1 }
            logger.warning("a motion event could not be stored", metadata: ["camera": "\(camera.cameraID)", "error": "\(error)"])
        }
    }

    /// Stores the picture as the event's snapshot; its name.
    private func snapshot(_ picture: [UInt8], of event: CameraEvent, number: Int) async throws -> String {
        let name = "motion-\(event.id)-\(number).jpg"
        try await blobs.put(name, Data(picture))
        return name
    }

    private func end(_ camera: CameraMotion) async {
        if let change = camera.endNow() { await store(change, of: camera) }
    }

    private func endEverything() async {
        let all = cameras.withLock { cameras in
            defer { cameras = [:] }
            return Array(cameras.values)
        }
        for camera in all { await end(camera) }
    }
}
