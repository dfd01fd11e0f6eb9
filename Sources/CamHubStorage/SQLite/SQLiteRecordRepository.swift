public import CamHubCore
public import Foundation
import GRDB

/// Detections and health reports in SQLite. Each detection has one `detection_plates` row per
/// plate (case-insensitive collation), so a plate lookup is an index seek.
public struct SQLiteRecordRepository: RecordRepository {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func add(detections: [DetectionRecord], healthReports: [HealthReport]) async throws {
        do {
            try await database.write { db in
                let detection = try db.cachedStatement(sql: """
                    INSERT INTO detections (id, camera_id, checkpoint_id, timestamp, received_at, vehicles_count, plates_count,
                        plates, processing_time_ms, details, annotated_image, cropped_plates)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let plate = try db.cachedStatement(sql: "INSERT INTO detection_plates (detection_id, plate, received_at) VALUES (?, ?, ?)")
                for record in detections {
                    let received = record.receivedAt.timeIntervalSince1970
                    try detection.execute(arguments: [
                        record.id, record.cameraID, record.checkpointID, record.timestamp, received, record.vehiclesCount,
                        record.platesCount, Self.json(record.plates), record.processingTimeMS, record.detailsJSON,
                        record.annotatedImage, Self.json(record.croppedPlates),
                    ])
                    for text in record.plates {
                        try plate.execute(arguments: [record.id, text, received])
                    }
                }
                let health = try db.cachedStatement(sql: """
                    INSERT INTO health_reports (id, camera_id, checkpoint_id, timestamp, received_at, component, status, message, details)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for report in healthReports {
                    try health.execute(arguments: [
                        report.id, report.cameraID, report.checkpointID, report.timestamp, report.receivedAt.timeIntervalSince1970,
                        report.component, report.status, report.message, report.detailsJSON,
                    ])
                }
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw CamHubError.conflict("a record with that id already exists")
        }
    }

    public func detections(_ query: DetectionQuery) async throws -> [DetectionRecord] {
        let (from, filter, order, matching) = Self.selection(query)
        var arguments = matching
        _ = arguments.append(contentsOf: [query.limit, query.offset])
        let sql = "SELECT d.* FROM \(from) \(filter) ORDER BY \(order) LIMIT ? OFFSET ?"
        let bound = arguments
        return try await database.read { db in
            try Row.fetchAll(db, sql: sql, arguments: bound).map(Self.detection(from:))
        }
    }

    public func countDetections(_ query: DetectionQuery) async throws -> Int {
        let (from, filter, _, arguments) = Self.selection(query)
        let sql = "SELECT COUNT(*) FROM \(from) \(filter)"
        return try await database.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// The tables, WHERE clause, order and arguments a query's filters (not its page) select.
    private static func selection(_ query: DetectionQuery) -> (from: String, filter: String, order: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        let from: String
        let order: String
        if let plate = query.plate {
            from = "detection_plates p JOIN detections d ON d.id = p.detection_id"
            conditions.append("p.plate = ?")
            _ = arguments.append(contentsOf: [plate])
            order = "p.received_at DESC, d.rowid DESC"
            if let since = query.since { conditions.append("p.received_at >= ?"); _ = arguments.append(contentsOf: [since.timeIntervalSince1970]) }
            if let until = query.until { conditions.append("p.received_at <= ?"); _ = arguments.append(contentsOf: [until.timeIntervalSince1970]) }
        } else {
            from = "detections d"
            order = "d.received_at DESC, d.rowid DESC"
            if let since = query.since { conditions.append("d.received_at >= ?"); _ = arguments.append(contentsOf: [since.timeIntervalSince1970]) }
            if let until = query.until { conditions.append("d.received_at <= ?"); _ = arguments.append(contentsOf: [until.timeIntervalSince1970]) }
        }
        if let camera = query.cameraID { conditions.append("d.camera_id = ?"); _ = arguments.append(contentsOf: [camera]) }
        if let checkpoint = query.checkpointID { conditions.append("d.checkpoint_id = ?"); _ = arguments.append(contentsOf: [checkpoint]) }
        if let id = query.id { conditions.append("d.id = ?"); _ = arguments.append(contentsOf: [id]) }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return (from, filter, order, arguments)
    }

    public func healthReports(cameraID: CameraID?, limit: Int) async throws -> [HealthReport] {
        try await database.read { db in
            let rows = if let cameraID {
                try Row.fetchAll(db, sql: "SELECT * FROM health_reports WHERE camera_id = ? ORDER BY received_at DESC, rowid DESC LIMIT ?", arguments: [cameraID, limit])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM health_reports ORDER BY received_at DESC, rowid DESC LIMIT ?", arguments: [limit])
            }
            return rows.map { row in
                HealthReport(
                    id: row["id"], cameraID: row["camera_id"], checkpointID: row["checkpoint_id"], timestamp: row["timestamp"],
                    receivedAt: Date(timeIntervalSince1970: row["received_at"]), component: row["component"], status: row["status"],
                    message: row["message"], detailsJSON: row["details"]
                )
            }
        }
    }

    public func statistics(now: Date, topPlates: Int) async throws -> RecordStatistics {
        let dayAgo = now.addingTimeInterval(-24 * 3600).timeIntervalSince1970
        return try await database.read { db in
            func counts(_ sql: String, _ arguments: StatementArguments = []) throws -> [RecordStatistics.Count] {
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { RecordStatistics.Count($0[0], $0[1]) }
            }
            let hours = try Row.fetchAll(
                db, sql: "SELECT CAST(received_at / 3600 AS INTEGER), COUNT(*) FROM detections WHERE received_at >= ? GROUP BY 1",
                arguments: [dayAgo]
            )
            let hourCounts = Dictionary(hours.map { (row: Row) -> (Int, Int) in (row[0], row[1]) }, uniquingKeysWith: +)
            return RecordStatistics(
                totalDetections: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM detections") ?? 0,
                totalPlates: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM detection_plates") ?? 0,
                totalHealthReports: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM health_reports") ?? 0,
                detectionsLast24Hours: hourCounts.values.reduce(0, +),
                byCamera: try counts("SELECT camera_id, COUNT(*) AS n FROM detections GROUP BY camera_id ORDER BY n DESC, camera_id"),
                byCheckpoint: try counts("SELECT checkpoint_id, COUNT(*) AS n FROM detections GROUP BY checkpoint_id ORDER BY n DESC, checkpoint_id"),
                byHour: RecordStatistics.hourly(now: now, counts: hourCounts),
                topPlates: try counts("SELECT plate, COUNT(*) AS n FROM detection_plates GROUP BY plate ORDER BY n DESC, plate LIMIT ?", [topPlates])
            )
        }
    }

    private static func json(_ strings: [String]) -> String {
        JSONText.strings(strings)
    }

    private static func strings(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }

    private static func detection(from row: Row) -> DetectionRecord {
        DetectionRecord(
            id: row["id"], cameraID: row["camera_id"], checkpointID: row["checkpoint_id"], timestamp: row["timestamp"],
            receivedAt: Date(timeIntervalSince1970: row["received_at"]), vehiclesCount: row["vehicles_count"],
            platesCount: row["plates_count"], plates: strings(row["plates"]), processingTimeMS: row["processing_time_ms"],
            detailsJSON: row["details"], annotatedImage: row["annotated_image"], croppedPlates: strings(row["cropped_plates"])
        )
    }
}
