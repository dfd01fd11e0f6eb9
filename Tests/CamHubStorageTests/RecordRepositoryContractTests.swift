import CamHubCore
import CamHubStorage
import Foundation
import Testing

/// Detections and health reports behave the same on every backend.
@Suite("Record repository contract")
struct RecordRepositoryContractTests {
    static let base = Date(timeIntervalSince1970: 1_800_000_000)

    static func detection(_ n: Int, camera: String = "cam-1", checkpoint: String = "cp-1", plates: [String] = ["ABC1234"], at offset: TimeInterval = 0) -> DetectionRecord {
        DetectionRecord(
            id: "d\(n)", cameraID: camera, checkpointID: checkpoint, timestamp: "2024-12-19T10:00:0\(n % 10)Z",
            receivedAt: base.addingTimeInterval(offset), vehiclesCount: 1, platesCount: plates.count, plates: plates,
            processingTimeMS: 150, detailsJSON: #"{"ocr_results":["ABC1234"]}"#, annotatedImage: n == 1 ? "\(String(repeating: "a", count: 64)).jpg" : nil,
            croppedPlates: []
        )
    }

    static func health(_ n: Int, camera: String = "cam-1") -> HealthReport {
        HealthReport(
            id: "h\(n)", cameraID: camera, checkpointID: "cp-1", timestamp: "t", receivedAt: base.addingTimeInterval(Double(n)),
            component: "camera", status: "healthy", message: "ok", detailsJSON: #"{"cpu_usage":45.2}"#
        )
    }

    @Test(arguments: Backend.available)
    func recordsReadBackNewestFirstWithFilters(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.records
            try await repository.add(
                detections: [
                    Self.detection(1, at: 0), Self.detection(2, camera: "cam-2", plates: ["XYZ999"], at: 10),
                    Self.detection(3, checkpoint: "cp-2", plates: ["abc1234", "QQQ1"], at: 20),
                ],
                healthReports: [Self.health(1), Self.health(2, camera: "cam-2")]
            )
            let all = try await repository.detections(DetectionQuery())
            #expect(all.map(\.id) == ["d3", "d2", "d1"])
            #expect(try await repository.detections(DetectionQuery(id: "d2")).map(\.id) == ["d2"])
            #expect(try await repository.detections(DetectionQuery(id: "nope")).isEmpty)
            #expect(all.last == Self.detection(1, at: 0))
            #expect(try await repository.detections(DetectionQuery(limit: 1, offset: 1)).map(\.id) == ["d2"])
            #expect(try await repository.detections(DetectionQuery(cameraID: "cam-2")).map(\.id) == ["d2"])
            #expect(try await repository.detections(DetectionQuery(checkpointID: "cp-2")).map(\.id) == ["d3"])
            #expect(try await repository.detections(DetectionQuery(since: Self.base.addingTimeInterval(5), until: Self.base.addingTimeInterval(15))).map(\.id) == ["d2"])
            #expect(try await repository.detections(DetectionQuery(plate: "qqq1")).map(\.id) == ["d3"])
            #expect(try await repository.healthReports(cameraID: nil, limit: 10).map(\.id) == ["h2", "h1"])
            #expect(try await repository.healthReports(cameraID: "cam-2", limit: 10) == [Self.health(2, camera: "cam-2")])
        }
    }

    @Test(arguments: Backend.available)
    func plateFilterIsExactAndCaseInsensitive(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.records
            try await repository.add(
                detections: [Self.detection(1, plates: ["ABC1234"]), Self.detection(2, plates: ["ABC12345"], at: 1), Self.detection(3, plates: ["ABC1234"], at: 2)],
                healthReports: []
            )
            #expect(try await repository.detections(DetectionQuery(plate: "abc1234")).map(\.id) == ["d3", "d1"])
            #expect(try await repository.detections(DetectionQuery(plate: "ABC123")).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func theCountFollowsTheFiltersNotThePage(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.records
            try await repository.add(
                detections: (1...5).map { Self.detection($0, camera: $0 <= 3 ? "cam-1" : "cam-2", plates: ["P\($0 % 2)"], at: TimeInterval($0)) },
                healthReports: []
            )
            #expect(try await repository.countDetections(DetectionQuery(limit: 2)) == 5)
            #expect(try await repository.countDetections(DetectionQuery(limit: 1, offset: 3, cameraID: "cam-1")) == 3)
            #expect(try await repository.countDetections(DetectionQuery(plate: "p1")) == 3)
            #expect(try await repository.countDetections(DetectionQuery(cameraID: "cam-2", plate: "P1")) == 1)
        }
    }

    @Test(arguments: Backend.available)
    func aBatchIsAllOrNothing(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.records
            try await repository.add(detections: [Self.detection(1)], healthReports: [])
            await #expect(throws: CamHubError.self) {
                try await repository.add(detections: [Self.detection(2), Self.detection(1)], healthReports: [Self.health(1)])
            }
            #expect(try await repository.detections(DetectionQuery()).map(\.id) == ["d1"])
            #expect(try await repository.countDetections(DetectionQuery(plate: "ABC1234")) == 1)
            #expect(try await repository.healthReports(cameraID: nil, limit: 10).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func missingValuesStayMissingBesideGivenOnes(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.records
            var bare = Self.detection(2, plates: [], at: 1)
            bare.processingTimeMS = nil
            bare.annotatedImage = nil
            var full = Self.detection(1)
            full.croppedPlates = ["crop-1.jpg", "crop-2.jpg"]
            try await repository.add(detections: [full, bare], healthReports: [])
            #expect(try await repository.detections(DetectionQuery()) == [bare, full])
            try await repository.add(detections: [], healthReports: [Self.health(1)])
            #expect(try await repository.healthReports(cameraID: nil, limit: 10) == [Self.health(1)])
        }
    }

    @Test(arguments: Backend.available)
    func statisticsCountByCameraCheckpointHourAndPlate(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.records
            let now = Self.base.addingTimeInterval(3600 * 5 + 10)
            try await repository.add(
                detections: [
                    Self.detection(1, at: 0), Self.detection(2, camera: "cam-2", plates: ["XYZ999"], at: 3600),
                    Self.detection(3, checkpoint: "cp-2", plates: ["ABC1234", "QQQ1"], at: 3600 * 5),
                    Self.detection(4, at: -3600 * 30),
                ],
                healthReports: [Self.health(1)]
            )
            let stats = try await repository.statistics(now: now, topPlates: 2)
            #expect(stats.totalDetections == 4)
            #expect(stats.totalPlates == 5)
            #expect(stats.totalHealthReports == 1)
            #expect(stats.detectionsLast24Hours == 3)
            #expect(stats.byCamera == [.init("cam-1", 3), .init("cam-2", 1)])
            #expect(stats.byCheckpoint == [.init("cp-1", 3), .init("cp-2", 1)])
            #expect(stats.topPlates == [.init("ABC1234", 3), .init("QQQ1", 1)])
            #expect(stats.byHour.count == 24)
            #expect(stats.byHour.map(\.count).reduce(0, +) == 3)
            #expect(stats.byHour.last?.count == 1)
        }
    }
}
