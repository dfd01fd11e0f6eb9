import CamHubCore
import CamHubStorage
import Foundation
import Testing

@Suite("camhub db copy")
struct StorageCopyTests {
    /// Many records at one instant (a burst stored in one batch) and the rest apart, so the pages
    /// meet ties at their edges.
    static func records() -> [DetectionRecord] {
        let burst = Date(timeIntervalSince1970: 1_800_000_000)
        return (0..<2_500).map { n in
            var record = RecordRepositoryContractTests.detection(n, plates: ["P\(n % 7)"], at: n < 1_200 ? 0 : Double(n))
            record.receivedAt = n < 1_200 ? burst : burst.addingTimeInterval(Double(n))
            record.annotatedImage = n == 3 ? BlobRepositoryContractTests.name : nil
            return record
        }
    }

    @Test(arguments: Backend.available.filter { $0 != .memory })
    func everythingArrivesOnceAndAPopulatedTargetIsRefused(target: Backend) async throws {
        try await Backend.sqlite.withStores { source in
            let camera = CameraRepositoryContractTests.camera("cam-1")
            try await source.cameras.create(camera)
            _ = try await source.commands.enqueue(.init(type: .adjustFPS, value: .integer(5)), for: "cam-1", at: Date(timeIntervalSince1970: 1))
            _ = try await source.commands.takeQueued(for: "cam-1", at: Date(timeIntervalSince1970: 2))
            _ = try await source.commands.enqueue(.init(type: .setTask, value: .text("vqa")), for: "cam-1", at: Date(timeIntervalSince1970: 3))
            let written = Self.records()
            try await source.records.add(detections: written, healthReports: [RecordRepositoryContractTests.health(1)])
            try await source.blobs.put(BlobRepositoryContractTests.name, Data([9, 9, 9]))
            var event = EventRepositoryContractTests.event("motion-1", camera: "cam-1", at: 4, zones: ["yard"], end: 9)
            event.snapshot = "snapshot-of-motion-1.jpg"
            try await source.events.add(event)
            try await source.events.add(EventRepositoryContractTests.event("motion-2", camera: "cam-1", at: 12))
            try await source.blobs.put("snapshot-of-motion-1.jpg", Data([1, 2, 3]))
            let pending = WebhookRepositoryContractTests.delivery("w-1", at: 1)
            var delivered = WebhookRepositoryContractTests.delivery("w-2", at: 2)
            delivered.state = .delivered
            try await source.webhooks.enqueue([pending, delivered])

            try await target.withStores { destination in
                var seen: [StorageCopy.Counts] = []
                let counts = try await StorageCopy(from: source, to: destination).run { seen.append($0) }
                #expect(counts == StorageCopy.Counts(cameras: 1, commands: 2, analyses: 0, detections: 2_500, healthReports: 1, events: 2, blobs: 2, pendingDeliveries: 1))
                #expect(try await destination.webhooks.deliveries(WebhookQuery()) == [pending])
                #expect(try await destination.events.events(EventQuery()) == [try #require(try await source.events.event(id: "motion-2")), event])
                #expect(try await destination.blobs.get("snapshot-of-motion-1.jpg") == Data([1, 2, 3]))
                #expect(seen.count > 3)
                let copied = try await destination.records.detections(DetectionQuery(limit: 5_000))
                #expect(Set(copied.map(\.id)) == Set(written.map(\.id)) && copied.count == 2_500)
                #expect(try await destination.cameras.camera(id: "cam-1") == camera)
                #expect(try await destination.commands.commands(for: "cam-1").map(\.state) == [.delivered, .queued])
                #expect(try await destination.blobs.get(BlobRepositoryContractTests.name) == Data([9, 9, 9]))
                await #expect(throws: StorageCopy.TargetNotEmpty.self) {
                    try await StorageCopy(from: source, to: destination).run()
                }
            }
        }
    }
}
