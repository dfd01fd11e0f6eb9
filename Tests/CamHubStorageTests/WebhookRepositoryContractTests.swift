import CamHubCore
import CamHubStorage
import Foundation
import Testing

/// The webhook outbox behaves the same in memory, in SQLite and in PostgreSQL.
@Suite("Webhook repository contract")
struct WebhookRepositoryContractTests {
    static let base = Date(timeIntervalSince1970: 1_800_000_000)

    static func delivery(_ id: String, at offset: TimeInterval, type: String = "motion_start", url: String = "http://127.0.0.1:9/hook") -> WebhookDelivery {
        WebhookDelivery(id: id, url: url, type: type, body: #"{"type":"\#(type)","id":"\#(id)","data":{}}"#, createdAt: base.addingTimeInterval(offset))
    }

    @Test(arguments: Backend.available)
    func deliveriesAreClaimedOnceDueOldestFirstAndTheirOutcomesKept(backend: Backend) async throws {
        try await backend.withStores { stores in
            let outbox = stores.webhooks
            try await outbox.enqueue([Self.delivery("d1", at: 0), Self.delivery("d2", at: 1, type: "motion_end"), Self.delivery("d3", at: 2)])
            try await outbox.enqueue([Self.delivery("d1", at: 5, type: "detection")])  // the same id again: skipped
            #expect(try await outbox.count(WebhookQuery()) == 3)
            #expect(try await outbox.deliveries(WebhookQuery(type: "motion_start")).map(\.id) == ["d3", "d1"])

            let now = Self.base.addingTimeInterval(10)
            let first = try await outbox.claim(dueBy: now, lease: 60, limit: 2)
            #expect(first.map(\.id) == ["d1", "d2"] && first[0].body.contains("\"id\":\"d1\""))
            // Taken: not claimed again until the lease runs out.
            #expect(try await outbox.claim(dueBy: now, lease: 60, limit: 5).map(\.id) == ["d3"])
            #expect(try await outbox.claim(dueBy: now, lease: 60, limit: 5).isEmpty)
            #expect(try await outbox.claim(dueBy: now.addingTimeInterval(61), lease: 60, limit: 5).map(\.id) == ["d1", "d2", "d3"])

            var delivered = first[0]
            (delivered.state, delivered.attempts, delivered.lastStatus, delivered.deliveredAt) = (.delivered, 1, 204, now)
            try await outbox.record(delivered)
            var retried = first[1]
            (retried.attempts, retried.lastStatus, retried.lastError, retried.nextAttemptAt) = (1, nil, "connection refused", now.addingTimeInterval(2))
            try await outbox.record(retried)
            #expect(try await outbox.deliveries(WebhookQuery(state: .delivered)) == [delivered])
            #expect(try await outbox.deliveries(WebhookQuery(type: "motion_end")) == [retried])
            #expect(try await outbox.claim(dueBy: now.addingTimeInterval(200), lease: 60, limit: 5).map(\.id) == ["d2", "d3"])
            await #expect(throws: CamHubError.self) { try await outbox.record(Self.delivery("nope", at: 0)) }

            // Finished ones go after their time; pending ones stay whatever their age.
            #expect(try await outbox.remove(finishedBefore: Self.base.addingTimeInterval(100)) == 1)
            #expect(try await outbox.deliveries(WebhookQuery(limit: 10, offset: 0)).map(\.id) == ["d3", "d2"])
            #expect(try await outbox.deliveries(WebhookQuery(limit: 1, offset: 1)).map(\.id) == ["d2"])
        }
    }
}
