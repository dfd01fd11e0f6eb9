public import CamHubCore
public import Foundation
import PostgresNIO

/// Detections and health reports in PostgreSQL. A batch (the record writer's group commit) is one
/// statement: each table's rows arrive as one array per column and are inserted with `unnest`,
/// so a commit is one round trip and the SQL text (and its plan) is the same for every batch.
/// Each detection has one `detection_plates` row per plate, indexed on `lower(plate)`, so a plate
/// lookup is an index scan.
public struct PostgresRecordRepository: RecordRepository {
    private let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    /// One statement, so one implicit transaction: all of the batch or none of it.
    static let insertBatch = """
        WITH d AS (
            INSERT INTO detections (id, camera_id, checkpoint_id, timestamp, received_at, vehicles_count, plates_count, plates,
                                    processing_time_ms, details, annotated_image, cropped_plates)
            SELECT id, camera_id, checkpoint_id, timestamp, received_at, vehicles_count, plates_count, plates,
                   CASE WHEN has_processing_time THEN processing_time_ms END, details,
                   CASE WHEN has_annotated_image THEN annotated_image END, cropped_plates
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::int4[], $7::int4[], $8::text[],
                        $9::bool[], $10::float8[], $11::text[], $12::bool[], $13::text[], $14::text[])
                AS t(id, camera_id, checkpoint_id, timestamp, received_at, vehicles_count, plates_count, plates,
                     has_processing_time, processing_time_ms, details, has_annotated_image, annotated_image, cropped_plates)
        ), p AS (
            INSERT INTO detection_plates (detection_id, plate, received_at)
            SELECT * FROM unnest($15::text[], $16::text[], $17::float8[])
        )
        INSERT INTO health_reports (id, camera_id, checkpoint_id, timestamp, received_at, component, status, message, details)
        SELECT * FROM unnest($18::text[], $19::text[], $20::text[], $21::text[], $22::float8[], $23::text[], $24::text[],
                             $25::text[], $26::text[])
        """

    public func add(detections: [DetectionRecord], healthReports: [HealthReport]) async throws {
        guard !detections.isEmpty || !healthReports.isEmpty else { return }
        var binds = PostgresBindings(capacity: 26)
        binds.append(detections.map(\.id)); binds.append(detections.map(\.cameraID)); binds.append(detections.map(\.checkpointID))
        binds.append(detections.map(\.timestamp)); binds.append(detections.map(\.receivedAt.timeIntervalSince1970))
        binds.append(detections.map { Int32(clamping: $0.vehiclesCount) }); binds.append(detections.map { Int32(clamping: $0.platesCount) })
        binds.append(detections.map { JSONText.strings($0.plates) })
        binds.append(detections.map { $0.processingTimeMS != nil }); binds.append(detections.map { $0.processingTimeMS ?? 0 })
        binds.append(detections.map(\.detailsJSON))
        binds.append(detections.map { $0.annotatedImage != nil }); binds.append(detections.map { $0.annotatedImage ?? "" })
        binds.append(detections.map { JSONText.strings($0.croppedPlates) })
        let plates = detections.flatMap { record in record.plates.map { (record.id, $0, record.receivedAt.timeIntervalSince1970) } }
        binds.append(plates.map(\.0)); binds.append(plates.map(\.1)); binds.append(plates.map(\.2))
        binds.append(healthReports.map(\.id)); binds.append(healthReports.map(\.cameraID)); binds.append(healthReports.map(\.checkpointID))
        binds.append(healthReports.map(\.timestamp)); binds.append(healthReports.map(\.receivedAt.timeIntervalSince1970))
        binds.append(healthReports.map(\.component)); binds.append(healthReports.map(\.status)); binds.append(healthReports.map(\.message))
        binds.append(healthReports.map(\.detailsJSON))
        do {
            try await database.execute(PostgresQuery(unsafeSQL: Self.insertBatch, binds: binds))
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
        if let id = query.id { conditions.append("d.id = \(selection.bind(id))") }
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
