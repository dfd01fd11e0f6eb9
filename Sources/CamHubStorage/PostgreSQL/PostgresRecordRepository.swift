public import CamHubCore
public import Foundation
import PostgresNIO

/// Detections and health reports in PostgreSQL. A batch (the record writer's group commit) is a
/// few multi-row inserts in one transaction; each detection has one `detection_plates` row per
/// plate, indexed on `lower(plate)`, so a plate lookup is an index scan.
public struct PostgresRecordRepository: RecordRepository {
    private let database: PostgresDatabase
    /// Rows per INSERT statement, well under PostgreSQL's 65,535 parameters.
    static let rowsPerStatement = 500

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func add(detections: [DetectionRecord], healthReports: [HealthReport]) async throws {
        guard !detections.isEmpty || !healthReports.isEmpty else { return }
        do {
            try await database.transaction { connection in
                for chunk in detections.chunked(Self.rowsPerStatement) {
                    var rows = MultiRowInsert(
                        "detections (id, camera_id, checkpoint_id, timestamp, received_at, vehicles_count, plates_count, plates, processing_time_ms, details, annotated_image, cropped_plates)"
                    )
                    var plates = MultiRowInsert("detection_plates (detection_id, plate, received_at)")
                    for record in chunk {
                        try rows.add { row in
                            try row.bind(record.id); try row.bind(record.cameraID); try row.bind(record.checkpointID); try row.bind(record.timestamp)
                            try row.bind(record.receivedAt.timeIntervalSince1970); try row.bind(Int32(clamping: record.vehiclesCount))
                            try row.bind(Int32(clamping: record.platesCount)); try row.bind(try JSONColumn.encode(record.plates))
                            try row.bind(record.processingTimeMS); try row.bind(record.detailsJSON); try row.bind(record.annotatedImage)
                            try row.bind(try JSONColumn.encode(record.croppedPlates))
                        }
                    }
                    _ = try await connection.query(rows.query, logger: database.logger)
                    for record in chunk {
                        for text in record.plates {
                            try plates.add { row in
                                try row.bind(record.id); try row.bind(text); try row.bind(record.receivedAt.timeIntervalSince1970)
                            }
                        }
                    }
                    if !plates.isEmpty { _ = try await connection.query(plates.query, logger: database.logger) }
                }
                for chunk in healthReports.chunked(Self.rowsPerStatement) {
                    var rows = MultiRowInsert(
                        "health_reports (id, camera_id, checkpoint_id, timestamp, received_at, component, status, message, details)"
                    )
                    for report in chunk {
                        try rows.add { row in
                            try row.bind(report.id); try row.bind(report.cameraID); try row.bind(report.checkpointID); try row.bind(report.timestamp)
                            try row.bind(report.receivedAt.timeIntervalSince1970); try row.bind(report.component); try row.bind(report.status)
                            try row.bind(report.message); try row.bind(report.detailsJSON)
                        }
                    }
                    _ = try await connection.query(rows.query, logger: database.logger)
                }
            }
        } catch where PostgresDatabase.sqlState(error) == "23505" {
            throw CamHubError.conflict("a record with that id already exists")
        }
    }

    public func detections(_ query: DetectionQuery) async throws -> [DetectionRecord] {
        var selection = Self.selection(query)
        selection.sql += " ORDER BY \(selection.order) LIMIT \(selection.bind(query.limit)) OFFSET \(selection.bind(query.offset))"
        let sql = "SELECT d.id, d.camera_id, d.checkpoint_id, d.timestamp, d.received_at, d.vehicles_count, d.plates_count, d.plates, "
            + "d.processing_time_ms, d.details, d.annotated_image, d.cropped_plates FROM " + selection.sql
        return try await database.rows(PostgresQuery(unsafeSQL: sql, binds: selection.binds)).map(Self.detection(from:))
    }

    public func countDetections(_ query: DetectionQuery) async throws -> Int {
        let selection = Self.selection(query)
        let rows = try await database.rows(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM " + selection.sql, binds: selection.binds))
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    /// The FROM and WHERE of a query's filters (not its page), with their order and binds.
    struct Selection {
        var sql: String
        var order: String
        var binds = PostgresBindings()

        mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
    }

    private static func selection(_ query: DetectionQuery) -> Selection {
        var selection: Selection
        var conditions: [String] = []
        if let plate = query.plate {
            selection = Selection(sql: "detection_plates p JOIN detections d ON d.id = p.detection_id", order: "p.received_at DESC, d.seq DESC")
            conditions.append("lower(p.plate) = lower(\(selection.bind(plate)))")
            if let since = query.since { conditions.append("p.received_at >= \(selection.bind(since.timeIntervalSince1970))") }
            if let until = query.until { conditions.append("p.received_at <= \(selection.bind(until.timeIntervalSince1970))") }
        } else {
            selection = Selection(sql: "detections d", order: "d.received_at DESC, d.seq DESC")
            if let since = query.since { conditions.append("d.received_at >= \(selection.bind(since.timeIntervalSince1970))") }
            if let until = query.until { conditions.append("d.received_at <= \(selection.bind(until.timeIntervalSince1970))") }
        }
        if let camera = query.cameraID { conditions.append("d.camera_id = \(selection.bind(camera))") }
        if let checkpoint = query.checkpointID { conditions.append("d.checkpoint_id = \(selection.bind(checkpoint))") }
        if !conditions.isEmpty { selection.sql += " WHERE " + conditions.joined(separator: " AND ") }
        return selection
    }

    public func healthReports(cameraID: CameraID?, limit: Int) async throws -> [HealthReport] {
        let columns = "id, camera_id, checkpoint_id, timestamp, received_at, component, status, message, details"
        let query: PostgresQuery = if let cameraID {
            "SELECT \(unescaped: columns) FROM health_reports WHERE camera_id = \(cameraID) ORDER BY received_at DESC, seq DESC LIMIT \(limit)"
        } else {
            "SELECT \(unescaped: columns) FROM health_reports ORDER BY received_at DESC, seq DESC LIMIT \(limit)"
        }
        return try await database.rows(query).map { row in
            let (id, camera, checkpoint, timestamp, received, component, status, message, details) =
                try row.decode((String, String, String, String, Double, String, String, String, String).self)
            return HealthReport(
                id: id, cameraID: camera, checkpointID: checkpoint, timestamp: timestamp, receivedAt: Date(timeIntervalSince1970: received),
                component: component, status: status, message: message, detailsJSON: details
            )
        }
    }

    public func statistics(now: Date, topPlates: Int) async throws -> RecordStatistics {
        let dayAgo = now.addingTimeInterval(-24 * 3600).timeIntervalSince1970
        func count(_ query: PostgresQuery) async throws -> Int {
            Int(try await database.rows(query).first?.decode(Int64.self) ?? 0)
        }
        func counts(_ query: PostgresQuery) async throws -> [RecordStatistics.Count] {
            try await database.rows(query).map { row in
                let (key, count) = try row.decode((String, Int64).self)
                return RecordStatistics.Count(key, Int(count))
            }
        }
        var hourCounts: [Int: Int] = [:]
        for row in try await database.rows(
            "SELECT floor(received_at / 3600)::bigint, COUNT(*) FROM detections WHERE received_at >= \(dayAgo) GROUP BY 1"
        ) {
            let (hour, count) = try row.decode((Int64, Int64).self)
            hourCounts[Int(hour), default: 0] += Int(count)
        }
        return RecordStatistics(
            totalDetections: try await count("SELECT COUNT(*) FROM detections"),
            totalPlates: try await count("SELECT COUNT(*) FROM detection_plates"),
            totalHealthReports: try await count("SELECT COUNT(*) FROM health_reports"),
            detectionsLast24Hours: hourCounts.values.reduce(0, +),
            byCamera: try await counts("SELECT camera_id, COUNT(*) AS n FROM detections GROUP BY camera_id ORDER BY n DESC, camera_id"),
            byCheckpoint: try await counts(
                "SELECT checkpoint_id, COUNT(*) AS n FROM detections GROUP BY checkpoint_id ORDER BY n DESC, checkpoint_id"
            ),
            byHour: RecordStatistics.hourly(now: now, counts: hourCounts),
            topPlates: try await counts("SELECT plate, COUNT(*) AS n FROM detection_plates GROUP BY plate ORDER BY n DESC, plate LIMIT \(topPlates)")
        )
    }

    private static func detection(from row: PostgresRow) throws -> DetectionRecord {
        let (id, camera, checkpoint, timestamp, received, vehicles, plates, plateList, processing, details, annotated, crops) =
            try row.decode((String, String, String, String, Double, Int32, Int32, String, Double?, String, String?, String).self)
        return DetectionRecord(
            id: id, cameraID: camera, checkpointID: checkpoint, timestamp: timestamp, receivedAt: Date(timeIntervalSince1970: received),
            vehiclesCount: Int(vehicles), platesCount: Int(plates), plates: (try? JSONColumn.decode([String].self, plateList)) ?? [],
            processingTimeMS: processing, detailsJSON: details, annotatedImage: annotated,
            croppedPlates: (try? JSONColumn.decode([String].self, crops)) ?? []
        )
    }
}

/// `INSERT INTO table (columns) VALUES (...), (...), ...` with one bind per value.
struct MultiRowInsert {
    private let target: String
    private var rows: [String] = []
    private var binds = PostgresBindings()

    init(_ target: String) {
        self.target = target
    }

    var isEmpty: Bool { rows.isEmpty }

    var query: PostgresQuery {
        PostgresQuery(unsafeSQL: "INSERT INTO \(target) VALUES " + rows.joined(separator: ", "), binds: binds)
    }

    /// One row: its values in column order.
    struct Row {
        fileprivate var parts: [String] = []
        fileprivate var binds: PostgresBindings

        mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value?) throws {
            if let value { try binds.append(value) } else { binds.appendNull() }
            parts.append("$\(binds.count)")
        }
    }

    mutating func add(_ build: (inout Row) throws -> Void) throws {
        var row = Row(binds: binds)
        try build(&row)
        binds = row.binds
        rows.append("(" + row.parts.joined(separator: ", ") + ")")
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
