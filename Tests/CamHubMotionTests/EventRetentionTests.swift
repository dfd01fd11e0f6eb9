import CamHubCore
import CamHubMotion
import Foundation
import Logging
import Testing

@Suite("Event retention")
struct EventRetentionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    struct Site {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-retention-\(UUID().uuidString)")
        let events = MemoryEventRepository()
        let blobs = MemoryBlobRepository()
        var store: ClipStore { ClipStore(directory: directory) }

        /// An event that started `age` seconds before `now`, with a picture and a clip of `bytes`.
        func add(_ id: String, age: TimeInterval, bytes: Int) async throws {
            let start = EventRetentionTests.now.addingTimeInterval(-age)
            let event = CameraEvent(id: id, cameraID: "yard", start: start, end: start.addingTimeInterval(2), snapshot: "motion-\(id)-2.jpg", clip: "\(id).clip")
            try await events.add(event)
            blobs.put("motion-\(id)-2.jpg", Data([1, 2, 3]))
            let output = try store.create("\(id).clip")
            try output.append(ClipFile.Frame(timestamp: FrameTimestamp(microseconds: 1), jpeg: Array(repeating: 7, count: bytes)))
            output.close()
            // The file's time is its event's, as if written then.
            try FileManager.default.setAttributes([.modificationDate: start], ofItemAtPath: directory.appendingPathComponent("\(id).clip").path)
        }
    }

    @Test func eventsPastTheirDaysGoWithTheirPicturesAndClips() async throws {
        let site = Site()
        defer { try? FileManager.default.removeItem(at: site.directory) }
        try await site.add("ancient", age: 40 * 86_400, bytes: 1000)
        try await site.add("recent", age: 3600, bytes: 1000)
        var settings = EventSettings()
        settings.retentionDays = 30
        let kept = settings
        let retention = EventRetention(events: site.events, blobs: site.blobs, clips: site.store, logger: Logger(label: "test")) { kept }
        await retention.sweep(now: Self.now)
        #expect(await site.events.events(EventQuery()).map(\.id) == ["recent"])
        #expect(site.blobs.get("motion-ancient-2.jpg") == nil && site.blobs.get("motion-recent-2.jpg") != nil)
        #expect(site.store.frames(of: "ancient.clip") == nil && site.store.frames(of: "recent.clip")?.count == 1)
        #expect(retention.statistics.eventsRemoved == 1)
    }

    @Test func pastTheBytesTheOldestClipsGoAndTheirEventsStay() async throws {
        let site = Site()
        defer { try? FileManager.default.removeItem(at: site.directory) }
        for (index, id) in ["first", "second", "third"].enumerated() {
            try await site.add(id, age: Double(3 - index) * 60, bytes: 600_000)
        }
        var settings = EventSettings()
        settings.maxBytes = 1_300_000
        let kept = settings
        let retention = EventRetention(events: site.events, blobs: site.blobs, clips: site.store, logger: Logger(label: "test")) { kept }
        await retention.sweep(now: Self.now)
        #expect(site.store.entries().map(\.name) == ["second.clip", "third.clip"])
        let first = await site.events.event(id: "first")
        #expect(first != nil && first?.clip == nil)
        #expect(await site.events.event(id: "second")?.clip == "second.clip")
        #expect(retention.statistics.clipsRemoved == 1 && retention.statistics.clipBytes <= 1_300_000)
    }
}
