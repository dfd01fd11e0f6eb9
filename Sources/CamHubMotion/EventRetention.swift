public import CamHubCore
public import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Keeps events within `events.retention_days` and this hub's clips within `events.max_bytes`,
/// oldest first, once a minute.
///
/// Events past their days go with their pictures and clips. Past the bytes, the oldest clips go
/// and their events stay, with `clip_url` null. Clip files older than the retention are removed
/// too, whichever hub removed their events (in a site, each hub keeps the clips it recorded).
public final class EventRetention: Service, Sendable {
    public typealias Settings = @Sendable () -> EventSettings

    private let events: any EventRepository
    private let blobs: any BlobRepository
    private let clips: ClipStore
    private let settings: Settings
    private let interval: Duration
    private let logger: Logger
    private let counters = Mutex(Counters())

    /// What was removed, for `/metrics`.
    public struct Counters: Sendable, Equatable {
        public var eventsRemoved = 0
        public var clipsRemoved = 0
        public var clipBytes: Int64 = 0
    }

    public init(
        events: any EventRepository, blobs: any BlobRepository, clips: ClipStore, logger: Logger, interval: Duration = .seconds(60),
        settings: @escaping Settings
    ) {
        self.events = events
        self.blobs = blobs
        self.clips = clips
        self.settings = settings
        self.interval = interval
        self.logger = logger
    }

    public var statistics: Counters { counters.withLock { $0 } }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.sweep()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// One pass; failures are logged and tried again at the next.
    public func sweep(now: Date = Date()) async {
        let settings = settings()
        if settings.retentionDays > 0 {
            let cutoff = now.addingTimeInterval(-settings.retentionDays * 86_400)
            do {
                try await removeEvents(startedBefore: cutoff)
            } catch {
                logger.warning("old events could not be removed", metadata: ["error": "\(error)"])
            }
            for entry in clips.entries() where entry.modified < cutoff { removeClip(entry, reason: "events.retention_days") }
        }
        var entries = clips.entries()
        var total = entries.reduce(0) { $0 + $1.bytes }
        if settings.maxBytes > 0 {
            while total > settings.maxBytes, !entries.isEmpty {
                let oldest = entries.removeFirst()
                removeClip(oldest, reason: "events.max_bytes")
                total -= oldest.bytes
                await forgetClip(oldest.name)
            }
        }
        counters.withLock { $0.clipBytes = total }
    }

    private func removeEvents(startedBefore cutoff: Date) async throws {
        while true {
            let removed = try await events.remove(startedBefore: cutoff, limit: 500)
            guard !removed.isEmpty else { return }
            try await blobs.remove(removed.compactMap(\.snapshot))
            for clip in removed.compactMap(\.clip) { clips.remove(clip) }
            counters.withLock { $0.eventsRemoved += removed.count }
            logger.info("events past their retention removed", metadata: ["count": "\(removed.count)"])
            if removed.count < 500 { return }
        }
    }

    private func removeClip(_ entry: ClipStore.Entry, reason: String) {
        clips.remove(entry.name)
        counters.withLock { $0.clipsRemoved += 1 }
        logger.info("a clip was removed", metadata: ["clip": "\(entry.name)", "bytes": "\(entry.bytes)", "kept_by": "\(reason)"])
    }

    /// The event of a removed clip shows no clip any more.
    private func forgetClip(_ name: String) async {
        let id = ClipStore.eventID(of: name)
        do {
            guard var event = try await events.event(id: id), event.clip == name else { return }
            event.clip = nil
            try await events.update(event)
        } catch {
            logger.warning("an event could not be told its clip was removed", metadata: ["event": "\(id)", "error": "\(error)"])
        }
    }
}
