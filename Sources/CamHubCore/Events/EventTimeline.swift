import Foundation

/// One timeline of what the cameras saw: motion events, LPR detections (seed 002) and analysis
/// results (seed 000), each shown as a `CameraEvent` of its `kind`, newest first. Detections and
/// analyses stay in their own tables (nothing is written twice); the timeline reads them where
/// they are, with ids prefixed by their kind (`detection-<id>`, `analysis-<id>`).
///
/// Without a `kind`, each table gives its first `offset + limit` matches and the merge keeps the
/// page: the cost grows with the offset, which is fine for a page a person looks at.
public struct EventTimeline: Sendable {
    public static let kinds = ["motion", "detection", "analysis"]

    let events: any EventRepository
    let records: any RecordRepository
    let analyses: any AnalysisRepository

    public init(events: any EventRepository, records: any RecordRepository, analyses: any AnalysisRepository) {
        self.events = events
        self.records = records
        self.analyses = analyses
    }

    /// A page of the timeline and how many entries match.
    public func page(_ query: EventQuery) async throws -> (entries: [CameraEvent], total: Int) {
        // Zones are motion's: a zone filter leaves only motion.
        let kinds = query.kind.map { [$0] } ?? (query.zone == nil ? Self.kinds : ["motion"])
        var wide = query
        (wide.offset, wide.limit) = kinds.count == 1 ? (query.offset, query.limit) : (0, query.offset + query.limit)
        var entries: [CameraEvent] = []
        var total = 0
        for kind in kinds {
            switch kind {
            case "motion":
                var motion = wide
                motion.kind = "motion"
                entries += try await events.events(motion)
                total += try await events.count(motion)
            case "detection" where query.zone == nil:
                let detections = DetectionQuery(limit: wide.limit, offset: wide.offset, cameraID: query.cameraID, since: query.since, until: query.until)
                entries += try await records.detections(detections).map(Self.entry)
                total += try await records.countDetections(detections)
            case "analysis" where query.zone == nil:
                let results = AnalysisQuery(limit: wide.limit, offset: wide.offset, cameraID: query.cameraID, since: query.since, until: query.until)
                entries += try await analyses.results(results).map(Self.entry)
                total += try await analyses.count(results)
            default:
                continue
            }
        }
        guard kinds.count > 1 else { return (entries, total) }
        let merged = entries.sorted { ($0.start, $0.id) > ($1.start, $1.id) }
        return (Array(merged.dropFirst(query.offset).prefix(query.limit)), total)
    }

    /// One entry by its timeline id.
    public func entry(id: String) async throws -> CameraEvent? {
        if id.hasPrefix("detection-") {
            let found = try await records.detections(DetectionQuery(limit: 1, id: String(id.dropFirst("detection-".count))))
            return found.first.map(Self.entry)
        }
        if id.hasPrefix("analysis-") {
            guard let number = Int64(id.dropFirst("analysis-".count)) else { return nil }
            return try await analyses.results(AnalysisQuery(limit: 1, id: number)).first.map(Self.entry)
        }
        return try await events.event(id: id)
    }

    /// A detection: at the moment it was stored, its plates as its caption, its annotated image as its picture.
    static func entry(_ record: DetectionRecord) -> CameraEvent {
        CameraEvent(
            id: "detection-\(record.id)", cameraID: record.cameraID, kind: "detection", start: record.receivedAt, end: record.receivedAt,
            caption: record.plates.isEmpty ? nil : record.plates.joined(separator: ", "), snapshot: record.annotatedImage
        )
    }

    /// An analysis: at the moment it was stored, its answer as its caption (with the question asked).
    static func entry(_ record: AnalysisRecord) -> CameraEvent {
        let caption = record.question.map { "\($0) — \(record.answer.text)" } ?? record.answer.text
        return CameraEvent(
            id: "analysis-\(record.id)", cameraID: record.cameraID, kind: "analysis", start: record.createdAt, end: record.createdAt, caption: caption
        )
    }
}
