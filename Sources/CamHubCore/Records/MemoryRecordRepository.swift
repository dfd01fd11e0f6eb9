public import Foundation

/// Records held in memory, for tests.
public actor MemoryRecordRepository: RecordRepository {
    private var detections: [DetectionRecord] = []
    private var reports: [HealthReport] = []

    public init() {}

    public func add(detections new: [DetectionRecord], healthReports newReports: [HealthReport]) throws {
        let ids = Set(detections.map(\.id)).union(reports.map(\.id))
        guard new.allSatisfy({ !ids.contains($0.id) }), newReports.allSatisfy({ !ids.contains($0.id) }) else {
            throw CamHubError.conflict("a record with that id already exists")
        }
        detections += new
        reports += newReports
    }

    public func detections(_ query: DetectionQuery) -> [DetectionRecord] {
        Array(matching(query).dropFirst(query.offset).prefix(query.limit))
    }

    public func countDetections(_ query: DetectionQuery) -> Int {
        matching(query).count
    }

    /// Newest first, every record the query's filters select.
    private func matching(_ query: DetectionQuery) -> [DetectionRecord] {
        let plate = query.plate?.uppercased()
        return detections.reversed().filter { record in
            (query.cameraID.map { $0 == record.cameraID } ?? true) && (query.id.map { $0 == record.id } ?? true)
                && (query.checkpointID.map { $0 == record.checkpointID } ?? true)
                && (plate.map { record.plates.contains($0) } ?? true)
                && (query.since.map { record.receivedAt >= $0 } ?? true)
                && (query.until.map { record.receivedAt <= $0 } ?? true)
        }
    }

    public func healthReports(cameraID: CameraID?, limit: Int) -> [HealthReport] {
        Array(reports.reversed().filter { cameraID == nil || $0.cameraID == cameraID }.prefix(limit))
    }

    public func statistics(now: Date, topPlates: Int) -> RecordStatistics {
        func counted(_ keys: [String]) -> [RecordStatistics.Count] {
            Dictionary(keys.map { ($0, 1) }, uniquingKeysWith: +).map { RecordStatistics.Count($0.key, $0.value) }
                .sorted { ($0.count, $1.key) > ($1.count, $0.key) }
        }
        let dayAgo = now.addingTimeInterval(-24 * 3600)
        let recent = detections.filter { $0.receivedAt >= dayAgo }
        let hours = Dictionary(recent.map { (Int($0.receivedAt.timeIntervalSince1970) / 3600, 1) }, uniquingKeysWith: +)
        let plates = detections.flatMap(\.plates)
        return RecordStatistics(
            totalDetections: detections.count, totalPlates: plates.count, totalHealthReports: reports.count,
            detectionsLast24Hours: recent.count,
            byCamera: counted(detections.map(\.cameraID)), byCheckpoint: counted(detections.map(\.checkpointID)),
            byHour: RecordStatistics.hourly(now: now, counts: hours), topPlates: Array(counted(plates).prefix(topPlates))
        )
    }
}
