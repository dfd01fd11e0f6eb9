import CamHubCore
import Foundation

/// `camhub db copy`: everything one hub's stores hold, into another's (SQLite to PostgreSQL, say),
/// through the same repository protocols, so any pair of backends works.
///
/// Cameras keep their hashed keys and sealed credentials, commands their state, records and events
/// their ids and times, and every image a record or an event names is copied with it. The target must be empty unless
/// `allowExisting` is set (records with ids the target has already are then refused).
public struct StorageCopy: Sendable {
    public struct Counts: Sendable, Equatable, CustomStringConvertible {
        public var cameras = 0
        public var commands = 0
        public var analyses = 0
        public var detections = 0
        public var healthReports = 0
        public var events = 0
        public var blobs = 0
        /// Webhook deliveries still to be made (the delivered and given-up ones are history).
        public var pendingDeliveries = 0

        public init(
            cameras: Int = 0, commands: Int = 0, analyses: Int = 0, detections: Int = 0, healthReports: Int = 0, events: Int = 0, blobs: Int = 0,
            pendingDeliveries: Int = 0
        ) {
            self.pendingDeliveries = pendingDeliveries
            (self.cameras, self.commands, self.analyses) = (cameras, commands, analyses)
            (self.detections, self.healthReports, self.events, self.blobs) = (detections, healthReports, events, blobs)
        }

        public var description: String {
            "\(cameras) cameras, \(commands) commands, \(analyses) analyses, \(detections) detections, \(healthReports) health reports, "
                + "\(events) events, \(blobs) images, \(pendingDeliveries) pending webhook deliveries"
        }
    }

    public struct TargetNotEmpty: Error, CustomStringConvertible {
        public let description: String
    }

    let source: HubStores
    let target: HubStores
    /// Detections copied per batch.
    static let batch = 1000

    public init(from source: HubStores, to target: HubStores) {
        self.source = source
        self.target = target
    }

    /// Copies everything; `progress` hears the counts after each step and each batch.
    public func run(allowExisting: Bool = false, progress: (Counts) -> Void = { _ in }) async throws -> Counts {
        if !allowExisting {
            let cameras = try await target.cameras.list().count
            let records = try await target.records.countDetections(DetectionQuery(limit: 1))
            guard cameras == 0, records == 0 else {
                throw TargetNotEmpty(description: "the target already holds \(cameras) cameras and \(records) detections")
            }
        }
        var counts = Counts()
        let cameras = try await source.cameras.list()
        for camera in cameras {
            try await target.cameras.upsert(camera)
            counts.cameras += 1
        }
        progress(counts)
        for camera in cameras {
            for command in try await source.commands.commands(for: camera.id) {
                try await target.commands.restore(command)
                counts.commands += 1
            }
            for result in try await source.analyses.results(for: camera.id, limit: Int.max).reversed() {
                _ = try await target.analyses.add(
                    cameraID: result.cameraID, task: result.task, question: result.question, answer: result.answer,
                    frameTime: result.frameTime, at: result.createdAt
                )
                counts.analyses += 1
            }
        }
        progress(counts)
        // Newest first, a page at a time: each page starts at the last one's oldest time, past the
        // records of that time already copied, so no page scans what came before it.
        var until: Date?
        var copiedAtUntil = 0
        while true {
            let page = try await source.records.detections(DetectionQuery(limit: Self.batch, offset: copiedAtUntil, until: until))
            guard let oldest = page.last?.receivedAt else { break }
            copiedAtUntil = (oldest == until ? copiedAtUntil : 0) + page.filter { $0.receivedAt == oldest }.count
            until = oldest
            for name in Set(page.flatMap { [$0.annotatedImage].compactMap { $0 } + $0.croppedPlates }) {
                if let bytes = try await source.blobs.get(name) {
                    try await target.blobs.put(name, bytes)
                    counts.blobs += 1
                }
            }
            try await target.records.add(detections: page, healthReports: [])
            counts.detections += page.count
            progress(counts)
        }
        let reports = try await source.records.healthReports(cameraID: nil, limit: Int.max)
        for chunk in stride(from: 0, to: reports.count, by: Self.batch) {
            try await target.records.add(detections: [], healthReports: Array(reports[chunk..<min(chunk + Self.batch, reports.count)]))
        }
        counts.healthReports = reports.count
        progress(counts)
        try await copyEvents(&counts)
        let pending = try await source.webhooks.deliveries(WebhookQuery(limit: Int.max, state: .pending))
        try await target.webhooks.enqueue(pending)
        counts.pendingDeliveries = pending.count
        progress(counts)
        return counts
    }

    /// The events, a page at a time, with the snapshots they name.
    private func copyEvents(_ counts: inout Counts) async throws {
        let total = try await source.events.count(EventQuery())
        for offset in stride(from: 0, to: total, by: Self.batch) {
            for event in try await source.events.events(EventQuery(limit: Self.batch, offset: offset)) {
                if let name = event.snapshot, let bytes = try await source.blobs.get(name) {
                    try await target.blobs.put(name, bytes)
                    counts.blobs += 1
                }
                try await target.events.add(event)
                counts.events += 1
            }
        }
    }
}
