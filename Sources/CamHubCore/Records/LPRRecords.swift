public import Foundation

/// One licence-plate detection an edge device reported (seed 002 `lpr_data`).
public struct DetectionRecord: Sendable, Equatable {
    public var id: String
    public var cameraID: CameraID
    public var checkpointID: String
    /// The device's own timestamp, as it sent it (ISO 8601).
    public var timestamp: String
    /// When the hub stored it.
    public var receivedAt: Date
    public var vehiclesCount: Int
    public var platesCount: Int
    /// The plate texts (OCR results and plate detections), upper-cased and without repeats.
    public var plates: [String]
    public var processingTimeMS: Double?
    /// The detections themselves as JSON: `{"vehicle_detections": [...], "plate_detections": [...], "ocr_results": [...]}`.
    public var detailsJSON: String
    /// Blob names (`<sha256>.jpg`) of the decoded images, when they were valid.
    public var annotatedImage: String?
    public var croppedPlates: [String]

    public init(
        id: String, cameraID: CameraID, checkpointID: String, timestamp: String, receivedAt: Date, vehiclesCount: Int,
        platesCount: Int, plates: [String], processingTimeMS: Double?, detailsJSON: String, annotatedImage: String?, croppedPlates: [String]
    ) {
        self.id = id
        self.cameraID = cameraID
        self.checkpointID = checkpointID
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.vehiclesCount = vehiclesCount
        self.platesCount = platesCount
        self.plates = plates
        self.processingTimeMS = processingTimeMS
        self.detailsJSON = detailsJSON
        self.annotatedImage = annotatedImage
        self.croppedPlates = croppedPlates
    }
}

/// One health report an edge device sent (seed 002 `health_status`).
public struct HealthReport: Sendable, Equatable {
    public var id: String
    public var cameraID: CameraID
    public var checkpointID: String
    public var timestamp: String
    public var receivedAt: Date
    public var component: String
    /// `healthy`, `warning` or `error`, as the device said.
    public var status: String
    public var message: String
    public var detailsJSON: String

    public init(
        id: String, cameraID: CameraID, checkpointID: String, timestamp: String, receivedAt: Date, component: String,
        status: String, message: String, detailsJSON: String
    ) {
        self.id = id
        self.cameraID = cameraID
        self.checkpointID = checkpointID
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.component = component
        self.status = status
        self.message = message
        self.detailsJSON = detailsJSON
    }
}

/// A records search: every filter is optional; results are newest first.
public struct DetectionQuery: Sendable, Equatable {
    public var limit: Int
    public var offset: Int
    public var cameraID: CameraID?
    public var checkpointID: String?
    /// Exact plate text, compared case-insensitively.
    public var plate: String?
    public var since: Date?
    public var until: Date?
    /// One detection by its id.
    public var id: String?

    public init(
        limit: Int = 50, offset: Int = 0, cameraID: CameraID? = nil, checkpointID: String? = nil, plate: String? = nil,
        since: Date? = nil, until: Date? = nil, id: String? = nil
    ) {
        self.id = id
        self.limit = limit
        self.offset = offset
        self.cameraID = cameraID
        self.checkpointID = checkpointID
        self.plate = plate
        self.since = since
        self.until = until
    }
}

/// Counts over the stored records.
public struct RecordStatistics: Sendable, Equatable {
    public struct Count: Sendable, Equatable {
        public var key: String
        public var count: Int
        public init(_ key: String, _ count: Int) {
            self.key = key
            self.count = count
        }
    }

    public var totalDetections: Int
    public var totalPlates: Int
    public var totalHealthReports: Int
    public var detectionsLast24Hours: Int
    public var byCamera: [Count]
    public var byCheckpoint: [Count]
    /// Detections per hour over the last 24 hours, oldest hour first; the key is the hour's start
    /// (ISO 8601, UTC).
    public var byHour: [Count]
    /// The most seen plates, most first.
    public var topPlates: [Count]

    public init(
        totalDetections: Int, totalPlates: Int, totalHealthReports: Int, detectionsLast24Hours: Int, byCamera: [Count],
        byCheckpoint: [Count], byHour: [Count], topPlates: [Count]
    ) {
        self.totalDetections = totalDetections
        self.totalPlates = totalPlates
        self.totalHealthReports = totalHealthReports
        self.detectionsLast24Hours = detectionsLast24Hours
        self.byCamera = byCamera
        self.byCheckpoint = byCheckpoint
        self.byHour = byHour
        self.topPlates = topPlates
    }
}

/// Where detections and health reports are kept. Every backend passes the same contract tests.
public protocol RecordRepository: Sendable {
    /// Stores the records in one transaction: all of them or none.
    func add(detections: [DetectionRecord], healthReports: [HealthReport]) async throws
    func detections(_ query: DetectionQuery) async throws -> [DetectionRecord]
    /// How many detections the query's filters select, whatever its limit and offset.
    func countDetections(_ query: DetectionQuery) async throws -> Int
    func healthReports(cameraID: CameraID?, limit: Int) async throws -> [HealthReport]
    func statistics(now: Date, topPlates: Int) async throws -> RecordStatistics
}

extension RecordStatistics {
    /// The 24 hourly buckets ending with the hour `now` is in, filled from `(hour start, count)`.
    public static func hourly(now: Date, counts: [Int: Int]) -> [Count] {
        let currentHour = Int(now.timeIntervalSince1970) / 3600
        let formatter = ISO8601DateFormatter()
        return ((currentHour - 23)...currentHour).map { hour in
            Count(formatter.string(from: Date(timeIntervalSince1970: TimeInterval(hour * 3600))), counts[hour] ?? 0)
        }
    }
}
