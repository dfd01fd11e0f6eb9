import CamHubCore
import CamHubLPR
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Seed 002's REST fallback, sharing validation and storage with the Socket.IO events
/// (`LPRIngest`), plus the records, statistics and the stored images.
///
/// With `lpr.token` set, every route here needs `Authorization: Bearer <token>` or the operator;
/// without it the routes are open, as in the seed.
struct LPRController {
    let hub: Hub
    static let origin = LPRIngest.Origin(transport: "rest")

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("api/test", use: test)
        routes.post("api/cameras/register", use: register)
        routes.post("api/detection", use: detection)
        routes.post("api/health", use: health)
        routes.get("api/statistics", use: statistics)
        routes.get("api/cameras", use: cameras)
        routes.get("api/records", use: records)
        routes.get("blobs/{name}", use: blob)
        return routes
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        JSONResponse.object(object, status: status)
    }

    private func requireAccess(_ request: Request, _ context: HubRequestContext) async throws {
        guard let token = hub.configuration.lpr.token else { return }
        if try await hub.access.isOperator(request, context: context) { return }
        guard let presented = Access.bearerToken(request) else {
            throw APIError.unauthorized("this LPR server needs its token as Authorization: Bearer")
        }
        guard LPRToken(token).matches(presented) else { throw APIError.unauthorized("invalid LPR token") }
    }

    /// Runs an ingest call, turning missing fields into the seed's 400.
    private func ingest(_ work: () async throws -> [String: Any]) async throws -> Response {
        do {
            return Self.json(try await work())
        } catch let missing as LPRIngest.MissingFields {
            // The seed's answer (success, message, missing_fields), with camhub's error object.
            var answer = LPRAnswers.failure(missing.message, missing: missing.names)
            answer["error"] = ["code": "missing_fields", "message": missing.message]
            return Self.json(answer, status: .badRequest)
        } catch let error as CamHubError where error.code == .stopped {
            var answer = LPRAnswers.failure(error.message, code: error.code.rawValue)
            answer["error"] = ["code": error.code.rawValue, "message": error.message]
            return Self.json(answer, status: .conflict)
        }
    }

    @Sendable func test(_ request: Request, context: HubRequestContext) async throws -> Response {
        Self.json(["success": true, "message": "LPR server is running", "timestamp": JSONText.timestamp(Date()), "socketio": true])
    }

    @Sendable func register(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await requireAccess(request, context)
        let body = try await JSONObject.read(request, limit: hub.configuration.lpr.maxPayloadBytes)
        return try await ingest {
            let registered = try await hub.lpr.register(body, origin: Self.origin)
            hub.lpr.announcer.cameraStatus(registered.cameraID, checkpointID: registered.checkpointID, online: true, rooms: hub.socketIO)
            return LPRAnswers.registered(registered)
        }
    }

    @Sendable func detection(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await requireAccess(request, context)
        let body = try await JSONObject.read(request, limit: hub.configuration.lpr.maxPayloadBytes)
        return try await ingest {
            let record = try await hub.lpr.detection(body, origin: Self.origin)
            hub.lpr.announcer.detection(record, rooms: hub.socketIO)
            return LPRAnswers.detectionStored(record)
        }
    }

    @Sendable func health(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await requireAccess(request, context)
        let body = try await JSONObject.read(request, limit: hub.configuration.lpr.maxPayloadBytes)
        return try await ingest {
            let report = try await hub.lpr.health(body, origin: Self.origin)
            hub.lpr.announcer.health(report, rooms: hub.socketIO)
            return LPRAnswers.healthStored(report)
        }
    }

    @Sendable func statistics(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await requireAccess(request, context)
        let top = try QueryParameters.integer(request, "top", default: 10, range: 1...100)
        let stats = try await hub.records.statistics(now: Date(), topPlates: top)
        func keyed(_ counts: [RecordStatistics.Count]) -> [String: Int] {
            Dictionary(counts.map { ($0.key, $0.count) }, uniquingKeysWith: +)
        }
        let now = Date()
        let startOfDay = Calendar.current.startOfDay(for: now)
        let today = try await hub.records.countDetections(DetectionQuery(since: startOfDay))
        let edgeCameras = try await hub.cameras.list().filter { $0.kind == .edge }
        let motionEvents = try await hub.events.count(EventQuery(kind: "motion"))
        let motionEventsLastDay = try await hub.events.count(EventQuery(kind: "motion", since: now.addingTimeInterval(-86_400)))
        return Self.json([
            "success": true,
            // The original's summary, under its names.
            "data": [
                "total_records": stats.totalDetections, "today_records": today, "unique_cameras": stats.byCamera.count,
                "active_cameras": edgeCameras.filter { hub.status(of: $0, now: now) == .active }.count,
                // The site's: this hub's clients and the other hubs' as of their last heartbeat.
                "connected_clients": hub.socketIO.sessionCount + hub.cluster.socketSessionsElsewhere, "server_status": "running", "timestamp": JSONText.timestamp(now),
            ] as [String: Any],
            "statistics": [
                "total_detections": stats.totalDetections, "total_plates": stats.totalPlates,
                "total_health_reports": stats.totalHealthReports, "detections_last_24h": stats.detectionsLast24Hours,
                "by_camera": keyed(stats.byCamera), "by_checkpoint": keyed(stats.byCheckpoint),
                "by_hour": stats.byHour.map { ["hour": $0.key, "count": $0.count] },
                "top_plates": stats.topPlates.map { ["plate": $0.key, "count": $0.count] },
                // camhub's own: the motion events (GET /api/events).
                "motion_events": motionEvents, "motion_events_last_24h": motionEventsLastDay,
            ] as [String: Any],
        ])
    }

    @Sendable func cameras(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await requireAccess(request, context)
        let now = Date()
        let detectionsByCamera = Dictionary(
            try await hub.records.statistics(now: now, topPlates: 1).byCamera.map { ($0.key, $0.count) }, uniquingKeysWith: +
        )
        var cameras: [[String: Any]] = []
        for camera in try await hub.cameras.list() where camera.kind == .edge {
            let health = try await hub.records.healthReports(cameraID: camera.id, limit: 1).first
            cameras.append([
                "camera_id": camera.id, "checkpoint_id": camera.metadata["checkpoint_id"] ?? camera.location, "name": camera.name,
                "status": hub.status(of: camera, now: now).rawValue, "source": camera.source,
                "last_seen": camera.lastSeenAt.map(JSONText.timestamp) ?? NSNull(),
                "registered_at": JSONText.timestamp(camera.createdAt),
                "detection_count": detectionsByCamera[camera.id] ?? 0,
                "health_status": health?.status ?? NSNull(),
            ])
        }
        return Self.json([
            "success": true, "cameras": cameras, "count": cameras.count, "total_cameras": cameras.count, "timestamp": JSONText.timestamp(now),
        ])
    }

    @Sendable func records(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await requireAccess(request, context)
        let parameters = request.uri.queryParameters
        let query = DetectionQuery(
            limit: try QueryParameters.integer(request, "limit", default: 50, range: 1...1000),
            offset: try QueryParameters.integer(request, "offset", default: 0, range: 0...10_000_000),
            cameraID: parameters["camera_id"].map(String.init), checkpointID: parameters["checkpoint_id"].map(String.init),
            plate: parameters["plate"].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 },
            since: try QueryParameters.date(request, "since"), until: try QueryParameters.date(request, "until")
        )
        let records = try await hub.records.detections(query)
        let total = try await hub.records.countDetections(query)
        return Self.json([
            "success": true, "records": records.map { JSONText.Raw(text: RecordJSON.detection($0)) }, "count": records.count,
            "total_count": total, "returned_count": records.count, "limit": query.limit, "offset": query.offset,
            "timestamp": JSONText.timestamp(Date()),
        ])
    }

    @Sendable func blob(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await requireAccess(request, context)
        let name = try context.parameters.require("name")
        guard let data = try await hub.lpr.blobs.read(name) else { throw CamHubError.notFound("no stored image '\(name.prefix(80))'") }
        return Response(
            status: .ok,
            headers: [.contentType: name.hasSuffix(".png") ? "image/png" : "image/jpeg", .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: ByteBuffer(data: data))
        )
    }
}
