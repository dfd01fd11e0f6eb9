public import CamHubCore
public import Foundation
import Synchronization

/// Seed 002's one code path for validation and storage, shared by the Socket.IO events and the
/// REST fallback: camera registration, detections and health reports.
///
/// A record is answered only after it is committed (`RecordWriter`). The reporting camera is put in
/// the registry (kind `edge`, its checkpoint as location) the first time it is seen, and its
/// last-seen time is refreshed at most every `touchInterval`.
public final class LPRIngest: Sendable {
    public let cameras: any CameraRepository
    public let writer: RecordWriter
    public let blobs: BlobStore
    public let events: LiveEvents
    /// Tells this hub's and the other hubs' viewers what was stored.
    public let announcer: LPRAnnouncer
    /// Detections refused from stopped cameras are counted here.
    public let refusals: IngestRefusals
    /// When each camera was last put in or refreshed in the registry. Whether it is stopped is read
    /// from the registry at each report (its cache answers, and is told of a stop through any hub).
    private let touched = Mutex<[CameraID: Date]>([:])
    static let touchInterval: TimeInterval = 10
    /// Seed 002's common fields, which every detection and health report carries, as the original
    /// requires them; a health report also needs its `component` and `status`.
    static let required = ["type", "camera_id", "checkpoint_id", "timestamp"]
    static let requiredForHealth = required + ["component", "status"]

    public init(
        cameras: any CameraRepository, writer: RecordWriter, blobs: BlobStore, events: LiveEvents, refusals: IngestRefusals = IngestRefusals(),
        site: any SiteBroadcast = LoneHubBroadcast(), notify: @escaping LPRAnnouncer.Notify = { _, _ in }
    ) {
        self.cameras = cameras
        self.refusals = refusals
        self.writer = writer
        self.blobs = blobs
        self.events = events
        announcer = LPRAnnouncer(events: events, site: site, notify: notify)
    }

    /// Required fields that are missing: a 400 over REST, `{success: false, error}` over Socket.IO.
    public struct MissingFields: Error {
        public let names: [String]
        public var message: String { "Missing required fields: " + names.joined(separator: ", ") }
    }

    public struct Origin: Sendable {
        /// `socket.io` or `rest`.
        public let transport: String

        public init(transport: String) {
            self.transport = transport
        }
    }

    // MARK: Camera registration

    public struct Registered: Sendable {
        public let cameraID: CameraID
        public let checkpointID: String
    }

    public func register(_ body: JSONObject, origin: Origin) async throws -> Registered {
        let missing = body.missing(["camera_id", "checkpoint_id"])
        guard missing.isEmpty else { throw MissingFields(names: missing) }
        let (cameraID, checkpointID) = try identity(body)
        _ = body.string("timestamp", length: 0...64)
        try body.check()
        try await touch(cameraID, checkpointID: checkpointID, origin: origin, force: true)
        return Registered(cameraID: cameraID, checkpointID: checkpointID)
    }

    // MARK: Detections

    /// Validates and stores a detection; returns once it is committed.
    public func detection(_ body: JSONObject, origin: Origin, now: Date = Date()) async throws -> DetectionRecord {
        let record = try await detectionRecord(body, origin: origin, now: now)
        try await writer.store(.detection(record))
        return record
    }

    /// Validates a detection, keeps its images and registers its camera: everything but storing it.
    func detectionRecord(_ body: JSONObject, origin: Origin, now: Date = Date()) async throws -> DetectionRecord {
        let (cameraID, checkpointID, timestamp) = try commonFields(body, required: Self.required)
        let vehiclesCount = body.integer("vehicles_count", range: 0...10_000)
        let platesCount = body.integer("plates_count", range: 0...10_000)
        let ocr = ocrResults(body)
        let vehicleDetections = body.objects("vehicle_detections", maxCount: 1000) ?? []
        let plateDetections = body.objects("plate_detections", maxCount: 1000) ?? []
        let processingTime = body.number("processing_time_ms")
        let annotated = body.string("annotated_image")
        let crops = body.raw("cropped_plates").flatMap { $0 as? [Any] }
        if body.raw("cropped_plates") != nil, crops == nil { body.reject("cropped_plates", "must be a list of base64 strings", kind: "type_error.list") }
        try body.check()
        // A stopped camera's detections are refused before anything is kept (see `Camera.isStopped`).
        if try await touch(cameraID, checkpointID: checkpointID, origin: origin) {
            refusals.record(cameraID, reason: "detection from a stopped camera")
            throw CamHubError.stopped(cameraID, "send detections")
        }

        let plates = Self.plates(ocr: ocr, detections: plateDetections)
        var cropNames: [String] = []
        for case let crop as String in crops ?? [] {
            if let name = try await blobs.store(base64: crop) { cropNames.append(name) }
        }
        let details: [String: Any] = ["vehicle_detections": vehicleDetections, "plate_detections": plateDetections, "ocr_results": ocr]
        let record = DetectionRecord(
            id: UUID.randomText(), cameraID: cameraID, checkpointID: checkpointID, timestamp: timestamp,
            receivedAt: now, vehiclesCount: vehiclesCount ?? 0, platesCount: platesCount ?? plates.count, plates: plates,
            processingTimeMS: processingTime, detailsJSON: Self.json(details),
            annotatedImage: annotated == nil ? nil : try await blobs.store(base64: annotated!),
            croppedPlates: cropNames
        )
        return record
    }

    /// Plate texts from `ocr_results` and `plate_detections[].text`: trimmed, upper-cased, once each.
    static func plates(ocr: [String], detections: [Any]) -> [String] {
        var seen: [String] = []
        for text in ocr + detections.compactMap({ ($0 as? [String: Any])?["text"] as? String }) {
            let plate = trimmed(text).uppercased()
            if !plate.isEmpty, plate.count <= 32, !seen.contains(plate) { seen.append(plate) }
        }
        return Array(seen.prefix(64))
    }

    /// `text` without white space (spaces, tabs, newlines) at either end. Foundation's
    /// `trimmingCharacters(in:)` bridges through NSString on Linux, at twice the cost.
    static func trimmed(_ text: String) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return Substring(scalars[first...last])
    }

    private func ocrResults(_ body: JSONObject) -> [String] {
        guard let raw = body.raw("ocr_results") else { return [] }
        guard let list = raw as? [Any], let texts = list as? [String], texts.count <= 1000, texts.allSatisfy({ $0.count <= 64 }) else {
            body.reject("ocr_results", "must be a list of at most 1000 strings of up to 64 characters", kind: "type_error.list")
            return []
        }
        return texts
    }

    // MARK: Health

    /// Validates and stores a health report; returns once it is committed.
    public func health(_ body: JSONObject, origin: Origin, now: Date = Date()) async throws -> HealthReport {
        let report = try await healthReport(body, origin: origin, now: now)
        try await writer.store(.health(report))
        return report
    }

    /// Validates a health report and registers its camera: everything but storing it.
    func healthReport(_ body: JSONObject, origin: Origin, now: Date = Date()) async throws -> HealthReport {
        let (cameraID, checkpointID, timestamp) = try commonFields(body, required: Self.requiredForHealth)
        let component = body.string("component", length: 0...64) ?? "camera"
        let status = body.string("status", length: 0...32) ?? "unknown"
        let message = body.string("message", length: 0...2000) ?? ""
        let details = body.object("details") ?? [:]
        try body.check()
        let report = HealthReport(
            id: UUID.randomText(), cameraID: cameraID, checkpointID: checkpointID, timestamp: timestamp,
            receivedAt: now, component: component, status: status, message: message, detailsJSON: Self.json(details)
        )
        try await touch(cameraID, checkpointID: checkpointID, origin: origin)
        return report
    }

    // MARK: Helpers

    /// The fields every detection and health report carries (seed 002's "common fields"): missing
    /// ones throw `MissingFields`; `type` is optional. The rest of the body is checked by the caller.
    private func commonFields(_ body: JSONObject, required: [String]) throws -> (CameraID, String, String) {
        let missing = body.missing(required)
        guard missing.isEmpty else { throw MissingFields(names: missing) }
        let (cameraID, checkpointID) = try identity(body)
        guard let timestamp = body.string("timestamp", length: 1...64) else { try body.check(); throw MissingFields(names: ["timestamp"]) }
        _ = body.string("type", length: 0...64)
        return (cameraID, checkpointID, timestamp)
    }

    /// `camera_id` (a registry id) and `checkpoint_id`, checked.
    private func identity(_ body: JSONObject) throws -> (CameraID, String) {
        let cameraID = body.string("camera_id", length: 1...64)
        let checkpointID = body.string("checkpoint_id", length: 1...64)
        if let cameraID, !CameraIDRules.isValid(cameraID) { body.reject("camera_id", CameraIDRules.requirement) }
        try body.check()
        return (cameraID!, checkpointID!)
    }

    /// Puts the camera in the registry, or refreshes its last-seen time when it is due (at most every
    /// `touchInterval`, so a busy camera costs the registry no write per report). Returns whether the
    /// camera is stopped.
    @discardableResult
    private func touch(_ cameraID: CameraID, checkpointID: String, origin: Origin, force: Bool = false) async throws -> Bool {
        let now = Date()
        let due = force || touched.withLock { touched in
            guard let last = touched[cameraID] else { return true }
            return now.timeIntervalSince(last) >= Self.touchInterval
        }
        if !due, let camera = try await cameras.camera(id: cameraID) { return camera.isStopped }
        if try await cameras.camera(id: cameraID) == nil {
            let camera = Camera(
                id: cameraID, name: cameraID, location: checkpointID, kind: .edge, source: origin.transport, state: .active,
                metadata: ["checkpoint_id": checkpointID], lastSeenAt: now
            )
            do {
                try await cameras.create(camera)
                touched.withLock { $0[cameraID] = now }
                return false
            } catch let error as CamHubError where error.code == .conflict {}
        }
        let camera = try await cameras.update(id: cameraID) { camera in
            camera.lastSeenAt = now
            camera.metadata["checkpoint_id"] = checkpointID
            if camera.kind == .edge { camera.location = checkpointID }
        }
        touched.withLock { $0[cameraID] = now }
        return camera.isStopped
    }

    static func json(_ object: Any) -> String {
        JSONText.encode(object)
    }
}
