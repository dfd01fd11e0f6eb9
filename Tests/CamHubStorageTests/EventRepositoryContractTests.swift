import CamHubCore
import CamHubStorage
import Foundation
import Testing

/// Camera events behave the same in memory, in SQLite and in PostgreSQL.
@Suite("Event repository contract")
struct EventRepositoryContractTests {
    static let base = Date(timeIntervalSince1970: 1_800_000_000)

    static func event(_ id: String, camera: CameraID = "yard", at offset: TimeInterval, zones: [String] = [], end: TimeInterval? = nil) -> CameraEvent {
        CameraEvent(
            id: id, cameraID: camera, start: base.addingTimeInterval(offset), end: end.map { base.addingTimeInterval($0) }, zones: zones,
            boxes: [EventBox(x: 0.25, y: 0.5, width: 0.125, height: 0.0625)], peakArea: 0.015625
        )
    }

    @Test(arguments: Backend.available)
    func eventsAreStoredUpdatedAndListedNewestFirst(backend: Backend) async throws {
        try await backend.withStores { stores in
            let events = stores.events
            let first = Self.event("e1", at: 0, zones: ["driveway"], end: 5)
            try await events.add(first)
            try await events.add(Self.event("e2", camera: "door", at: 10, zones: ["door", "driveway"]))
            try await events.add(Self.event("e3", at: 20))
            await #expect(throws: CamHubError.self) { try await events.add(first) }
            #expect(try await events.event(id: "e1") == first)
            #expect(try await events.event(id: "nope") == nil)

            #expect(try await events.events(EventQuery()).map(\.id) == ["e3", "e2", "e1"])
            #expect(try await events.events(EventQuery(limit: 1, offset: 1)).map(\.id) == ["e2"])
            #expect(try await events.events(EventQuery(cameraID: "yard")).map(\.id) == ["e3", "e1"])
            #expect(try await events.events(EventQuery(zone: "driveway")).map(\.id) == ["e2", "e1"])
            #expect(try await events.events(EventQuery(kind: "detection")).isEmpty)
            let window = EventQuery(since: Self.base.addingTimeInterval(5), until: Self.base.addingTimeInterval(15))
            #expect(try await events.events(window).map(\.id) == ["e2"])
            #expect(try await events.count(EventQuery(cameraID: "yard")) == 2)
            #expect(try await events.count(EventQuery(zone: "door")) == 1)

            var ended = try #require(try await events.event(id: "e3"))
            ended.end = Self.base.addingTimeInterval(26.5)
            ended.peakArea = 0.25
            ended.caption = "a cat crosses the yard"
            ended.snapshot = "abc.jpg"
            try await events.update(ended)
            #expect(try await events.event(id: "e3") == ended)
            await #expect(throws: CamHubError.self) { try await events.update(Self.event("nope", at: 0)) }
        }
    }

    @Test(arguments: Backend.available)
    func eventsLeftUnderWayAreMarkedUnfinishedOnce(backend: Backend) async throws {
        try await backend.withStores { stores in
            let events = stores.events
            try await events.add(Self.event("done", at: 0, end: 3))
            try await events.add(Self.event("cut-1", at: 5))
            try await events.add(Self.event("cut-2", camera: "door", at: 7))
            let marked = try await events.markUnfinished()
            #expect(marked.map(\.id) == ["cut-1", "cut-2"] && marked.allSatisfy(\.unfinished))
            #expect(try await events.event(id: "done")?.unfinished == false)
            #expect(try await events.markUnfinished().isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func theOldestEventsAreRemovedFirstAndReturned(backend: Backend) async throws {
        try await backend.withStores { stores in
            let events = stores.events
            for (index, id) in ["old-1", "old-2", "old-3", "new"].enumerated() {
                var event = Self.event(id, at: Double(index) * 100, end: Double(index) * 100 + 5)
                event.snapshot = "motion-\(id)-1.jpg"
                event.clip = "\(id).clip"
                try await events.add(event)
            }
            let cutoff = Self.base.addingTimeInterval(250)
            let first = try await events.remove(startedBefore: cutoff, limit: 2)
            #expect(first.map(\.id) == ["old-1", "old-2"] && first[0].clip == "old-1.clip" && first[0].snapshot == "motion-old-1-1.jpg")
            #expect(try await events.remove(startedBefore: cutoff, limit: 2).map(\.id) == ["old-3"])
            #expect(try await events.remove(startedBefore: cutoff, limit: 2).isEmpty)
            #expect(try await events.events(EventQuery()).map(\.id) == ["new"])
        }
    }
}
