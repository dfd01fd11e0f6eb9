import CamHubCore
@testable import CamHubLPR
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A record repository that counts its transactions and can be held or made to fail.
final class CountingRecords: RecordRepository {
    let backing = MemoryRecordRepository()
    let batches = Mutex<[Int]>([])
    let failure: (any Error)?
    let delay: Duration

    init(failure: (any Error)? = nil, delay: Duration = .zero) {
        self.failure = failure
        self.delay = delay
    }

    func add(detections: [DetectionRecord], healthReports: [HealthReport]) async throws {
        try await Task.sleep(for: delay)
        if let failure { throw failure }
        try await backing.add(detections: detections, healthReports: healthReports)
        batches.withLock { $0.append(detections.count + healthReports.count) }
    }

    func detections(_ query: DetectionQuery) async throws -> [DetectionRecord] { await backing.detections(query) }
    func countDetections(_ query: DetectionQuery) async throws -> Int { await backing.countDetections(query) }
    func healthReports(cameraID: CameraID?, limit: Int) async throws -> [HealthReport] { await backing.healthReports(cameraID: cameraID, limit: limit) }
    func statistics(now: Date, topPlates: Int) async throws -> RecordStatistics { await backing.statistics(now: now, topPlates: topPlates) }
}

func detection(_ number: Int) -> DetectionRecord {
    DetectionRecord(
        id: "d\(number)", cameraID: "cam", checkpointID: "cp", timestamp: "2024-12-19T10:00:00Z", receivedAt: Date(),
        vehiclesCount: 1, platesCount: 1, plates: ["P\(number)"], processingTimeMS: nil, detailsJSON: "{}", annotatedImage: nil,
        croppedPlates: []
    )
}

/// Runs the writer as a service for the duration of `body`, then shuts it down gracefully.
func whileWriting(_ writer: RecordWriter, _ body: () async throws -> Void) async throws {
    let services = ServiceGroup(configuration: .init(services: [.init(service: writer)], logger: Logger(label: "test")))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        try await body()
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
    }
}

@Suite("LPR record writer: group commit, acks after the commit")
struct RecordWriterTests {
    @Test func manyWaitingRecordsShareATransactionAndEachHearsAfterItsCommit() async throws {
        let records = CountingRecords(delay: .milliseconds(20))
        let writer = RecordWriter(repository: records)
        try await whileWriting(writer) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<200 {
                    group.addTask {
                        try await writer.store(.detection(detection(number)))
                        // Acknowledged means committed: the record is already readable.
                        #expect(try await records.detections(DetectionQuery(plate: "P\(number)")).count == 1)
                    }
                }
                try await group.waitForAll()
            }
        }
        let batches = records.batches.withLock { $0 }
        #expect(batches.reduce(0, +) == 200)
        #expect(batches.count < 50, "\(batches)")
    }

    @Test func aFailedCommitFailsEveryRecordInIt() async throws {
        let writer = RecordWriter(repository: CountingRecords(failure: CamHubError.insufficientStorage("full")))
        try await whileWriting(writer) {
            await #expect(throws: CamHubError.insufficientStorage("full")) {
                try await writer.store(.detection(detection(1)))
            }
        }
    }
}
