import CamHubCore
@testable import CamHubStorage
import Foundation
import Synchronization
import Testing

/// Site events between hubs on one PostgreSQL: every one arrives, in order, at the others only.
@Suite("Site events between hubs", .enabled(if: Backend.postgresURL != nil))
struct SiteBroadcastTests {
    @Test func aBurstArrivesWholeAndInOrderAtTheOtherHubOnly() async throws {
        try await SharedRegistryTests.withHubs(2) { hubs in
            let a = PostgresSiteBroadcast(database: hubs[0]), b = PostgresSiteBroadcast(database: hubs[1])
            let heardByA = Mutex<[SiteEvent]>([]), heardByB = Mutex<[SiteEvent]>([])
            a.subscribe { event in heardByA.withLock { $0.append(event) } }
            b.subscribe { event in heardByB.withLock { $0.append(event) } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await a.run() }
                group.addTask { await b.run() }
                let sent = (0..<500).map { SiteEvent(topic: "lpr.detection", json: #"{"n": \#($0), "text": "a b  c"}"#) }
                for event in sent { a.send(event) }
                // Over PostgreSQL's notice limit: not sent, and the rest still goes.
                a.send(SiteEvent(topic: "lpr.detection", json: String(repeating: "x", count: 9000)))
                b.send(SiteEvent(topic: "lpr.health", json: "{}"))
                let waited = try await SharedRegistryTests.waitUntil { heardByB.withLock { $0.count } >= 500 && heardByA.withLock { $0.count } >= 1 }
                #expect(waited < .seconds(2))
                try await Task.sleep(for: .milliseconds(200))
                #expect(heardByB.withLock { $0 } == sent)
                #expect(heardByA.withLock { $0 } == [SiteEvent(topic: "lpr.health", json: "{}")])
                group.cancelAll()
            }
        }
    }
}
