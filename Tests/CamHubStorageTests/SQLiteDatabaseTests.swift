import CamHubCore
@testable import CamHubStorage
import Foundation
import Testing

@Suite("SQLite database")
struct SQLiteDatabaseTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-\(UUID().uuidString)")
    var url: URL { folder.appendingPathComponent("camhub.sqlite") }
    static let migrations = ["v1-cameras", "v2-registration-and-commands", "v3-analysis-results", "v4-lpr-records", "v5-web-sessions", "v6-events", "v7-webhook-outbox"]

    @Test func opensInWALModeWithMigrationsApplied() async throws {
        let database = try SQLiteDatabase(url: url)
        #expect(try await database.journalMode() == "wal")
        #expect(try await database.appliedMigrations() == Self.migrations)
        #expect(!database.isReadOnly)
    }

    @Test func camerasSurviveReopening() async throws {
        do {
            let repository = SQLiteCameraRepository(database: try SQLiteDatabase(url: url))
            try await repository.create(CameraRepositoryContractTests.camera("kept"))
        }
        let reopened = SQLiteCameraRepository(database: try SQLiteDatabase(url: url))
        #expect(try await reopened.camera(id: "kept")?.name == "Front door")
        #expect(try await SQLiteDatabase(url: url).appliedMigrations() == Self.migrations)
    }

    @Test func theWALAndItsSharedMemoryStaySoARestartNeedsNoNewSpace() async throws {
        do {
            let database = try SQLiteDatabase(url: url)
            try await SQLiteCameraRepository(database: database).create(CameraRepositoryContractTests.camera("kept"))
        }
        // Every connection is closed: without PERSIST_WAL SQLite would have deleted both.
        #expect(FileManager.default.fileExists(atPath: url.path + "-wal"))
        #expect(FileManager.default.fileExists(atPath: url.path + "-shm"))
    }

    @Test func aFullDatabaseRefusesWithInsufficientStorageAndRecovers() async throws {
        let database = try SQLiteDatabase(url: url)
        let repository = SQLiteRecordRepository(database: database)
        // SQLite answers SQLITE_FULL, as on a full disk, once the file may not grow.
        let pages = try await database.read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 }
        try await database.write { try $0.execute(sql: "PRAGMA max_page_count = \(pages + 2)") }
        var refused: (any Error)?
        for batch in 0..<200 where refused == nil {
            let records = (0..<50).map { RecordRepositoryContractTests.detection(batch * 50 + $0 + 2) }.map { record in
                var record = record
                record.id = "r\(batch)-\(record.id)"
                record.detailsJSON = String(repeating: "x", count: 2000)
                return record
            }
            do {
                try await repository.add(detections: records, healthReports: [])
            } catch {
                refused = error
            }
        }
        let error = try #require(refused as? CamHubError)
        #expect(error.code == .insufficientStorage)
        // The refused batch was rolled back whole; with room again the next write succeeds.
        let stored = try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM detections") ?? 0 }
        #expect(stored % 50 == 0)
        try await database.write { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        try await repository.add(detections: [RecordRepositoryContractTests.detection(1)], healthReports: [])
        #expect(try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM detections") ?? 0 } == stored + 1)
    }
}
