import CamHubCore
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Records and commands whose every write finds the disk full, as SQLite and the file system
/// report it; reads still work.
private struct FullDiskRecords: RecordRepository {
    let backing = MemoryRecordRepository()
    func add(detections: [DetectionRecord], healthReports: [HealthReport]) async throws { throw POSIXError(.ENOSPC) }
    func detections(_ query: DetectionQuery) async throws -> [DetectionRecord] { await backing.detections(query) }
    func countDetections(_ query: DetectionQuery) async throws -> Int { await backing.countDetections(query) }
    func healthReports(cameraID: CameraID?, limit: Int) async throws -> [HealthReport] { await backing.healthReports(cameraID: cameraID, limit: limit) }
    func statistics(now: Date, topPlates: Int) async throws -> RecordStatistics { await backing.statistics(now: now, topPlates: topPlates) }
}

private struct FullDiskCommands: CommandRepository {
    func enqueue(_ request: CommandRequest, for cameraID: CameraID, at time: Date) async throws -> CameraCommand {
        throw CamHubError.insufficientStorage(OutOfSpace.message)
    }
    func commands(for cameraID: CameraID) async throws -> [CameraCommand] { [] }
    func takeQueued(for cameraID: CameraID, at time: Date) async throws -> [CameraCommand] { [] }
    func restore(_ command: CameraCommand) async throws { throw CamHubError.insufficientStorage(OutOfSpace.message) }
}

@Suite("A full disk: 507 with a JSON error, and the hub keeps serving")
struct FullDiskRouteTests {
    @Test func storesAreRefusedWith507AndReadsAndVideoGoOn() async throws {
        let test = try await TestHub(records: FullDiskRecords(), commands: FullDiskCommands())
        let headers: HTTPFields = [.contentType: "application/json"]
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/detection", method: .post, headers: headers, body: LPRRouteTests.json(LPRRouteTests.detection)) { response in
                #expect(response.status.code == 507)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let error = try #require(try response.json["error"] as? [String: Any])
                #expect(error["code"] as? String == "insufficient_storage")
                #expect((error["message"] as? String)?.contains("disk is full") == true)
            }
            let command = LPRRouteTests.json(["type": "adjust_fps", "value": 5])
            let asOperator: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(TestHub.adminToken)"]
            try await client.execute(uri: "/cameras/testpattern/commands", method: .post, headers: asOperator, body: command) { response in
                #expect(response.status.code == 507)
            }
            try await client.execute(uri: "/api/records", method: .get) { response in
                #expect(response.status == .ok)
            }
            test.publish()
            try await client.execute(uri: "/cameras/testpattern/snapshot.jpg", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
