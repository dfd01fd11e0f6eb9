import CamHubCore
@testable import CamHubStorage
import Foundation
import Logging
import Testing

/// Several hubs on one PostgreSQL: each caches the registry, and a change through one is seen by
/// the others within about a second (the `cameras` trigger's notices), never later.
@Suite("Registry shared by several hubs", .enabled(if: Backend.postgresURL != nil))
struct SharedRegistryTests {
    /// `count` hubs' databases on one fresh schema, each with its pool and notice listener running.
    static func withHubs(_ count: Int, _ body: ([PostgresDatabase]) async throws -> Void) async throws {
        let url = try #require(Backend.postgresURL)
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        guard case .postgres(let address) = try DatabaseLocation(parsing: url + (url.contains("?") ? "&" : "?") + "schema=\(schema)") else {
            Issue.record("not a PostgreSQL URL")
            return
        }
        var databases: [PostgresDatabase] = []
        for _ in 0..<count { databases.append(try await PostgresDatabase.open(address, logger: Logger(label: "shared"))) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for database in databases { group.addTask { await database.run() } }
            for database in databases { try await Self.waitUntil { database.notices.isListening } }
            do {
                try await body(databases)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// Waits for `condition`, at most `limit`; returns how long it took.
    @discardableResult
    static func waitUntil(_ limit: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        while try await !condition() {
            if clock.now - start > limit {
                Issue.record("not within \(limit)")
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return clock.now - start
    }

    static func camera(_ id: String, name: String = "front") -> Camera {
        Camera(id: id, name: name, kind: .registered, source: "usb", state: .active)
    }

    @Test func aChangeThroughOneHubIsSeenByTheOtherWithinASecond() async throws {
        try await Self.withHubs(2) { hubs in
            let a = PostgresCameraRepository(database: hubs[0]), b = PostgresCameraRepository(database: hubs[1])
            try await a.create(Self.camera("cam-1"))
            #expect(try await b.camera(id: "cam-1")?.name == "front")
            try await a.update(id: "cam-1") { $0.name = "renamed" }
            let renamed = try await Self.waitUntil { try await b.camera(id: "cam-1")?.name == "renamed" }
            #expect(renamed < .seconds(1))
            try await a.delete(id: "cam-1")
            let deleted = try await Self.waitUntil { try await b.camera(id: "cam-1") == nil }
            #expect(deleted < .seconds(1))
        }
    }

    @Test func aCachedCameraIsAnsweredWithoutTheDatabaseAndAWriteFromOutsideIsHeard() async throws {
        try await Self.withHubs(1) { hubs in
            let a = PostgresCameraRepository(database: hubs[0])
            try await a.create(Self.camera("cam-1"))
            _ = try await a.camera(id: "cam-1")
            // A write that no hub made (psql, a script) is heard too: the trigger sends the notice.
            try await hubs[0].execute("UPDATE cameras SET name = 'outside' WHERE id = 'cam-1'")
            let seen = try await Self.waitUntil { try await a.camera(id: "cam-1")?.name == "outside" }
            #expect(seen < .seconds(1))
            try await hubs[0].execute("UPDATE cameras SET location = 'gate', version = 1 WHERE id = 'cam-1'")
            try await Self.waitUntil { try await a.camera(id: "cam-1")?.location == "gate" }
        }
    }

    @Test func updatesThroughTwoHubsAtOnceAreAllKept() async throws {
        try await Self.withHubs(2) { hubs in
            let repositories = hubs.map { PostgresCameraRepository(database: $0) }
            try await repositories[0].create(Self.camera("cam-1"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, repository) in repositories.enumerated() {
                    group.addTask {
                        for n in 0..<25 {
                            try await repository.update(id: "cam-1") { $0.metadata["hub\(index)-\(n)"] = "x" }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try #require(try await PostgresCameraRepository(database: hubs[0]).camera(id: "cam-1"))
            #expect(final.metadata.count == 50)
            for repository in repositories {
                try await Self.waitUntil { try await repository.camera(id: "cam-1")?.metadata.count == 50 }
            }
        }
    }

    @Test func whileTheNoticesAreNotHeardNothingIsAnsweredFromMemory() async throws {
        try await Self.withHubs(2) { hubs in
            let a = PostgresCameraRepository(database: hubs[0]), b = PostgresCameraRepository(database: hubs[1])
            try await a.create(Self.camera("cam-1"))
            _ = try await a.camera(id: "cam-1")
            // Hub A's listener is cut off; the change through B is made while A hears nothing.
            try await hubs[1].execute("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = \(hubs[0].notices.connectionName)
                """)
            try await Self.waitUntil { !hubs[0].notices.isListening }
            try await b.update(id: "cam-1") { $0.name = "changed while deaf" }
            #expect(try await a.camera(id: "cam-1")?.name == "changed while deaf")
            try await Self.waitUntil { hubs[0].notices.isListening }
            #expect(try await a.camera(id: "cam-1")?.name == "changed while deaf")
        }
    }
}
