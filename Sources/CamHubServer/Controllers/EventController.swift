import CamHubCore
import CamHubMotion
import Foundation
import Hummingbird

/// The events the cameras' motion made (operator): `GET /api/events` with filters and paging,
/// one event, and its snapshot.
struct EventController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("api/events", use: list)
        routes.get("api/events/{id}", use: one)
        routes.get("api/events/{id}/snapshot.jpg", use: snapshot)
        routes.get("api/events/{id}/clip.mjpeg", use: clipMJPEG)
        routes.get("api/events/{id}/clip.mp4", use: clipMP4)
        return routes
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let query = try Self.query(request)
        let (events, total) = try await timeline.page(query)
        return try JSONResponse.make(EventList(events: events.map(EventJSON.init), totalCount: total))
    }

    @Sendable func one(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        return try JSONResponse.make(EventJSON(try await event(context)))
    }

    @Sendable func snapshot(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let event = try await event(context)
        guard let name = event.snapshot, let bytes = try await hub.blobs.get(name) else {
            throw APIError(.notFound, code: "not_found", "event '\(event.id)' has no snapshot")
        }
        return Response(
            status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=86400"], body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// The clip at the pace it was recorded, as multipart JPEGs (what an `<img>` plays).
    @Sendable func clipMJPEG(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        return ClipResponse.mjpeg(try await clipFrames(context))
    }

    /// The clip as an MP4 file, made by ffmpeg (503 naming what to install without it).
    @Sendable func clipMP4(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let (event, frames) = (try await self.event(context), try await clipFrames(context))
        let video = try await ClipVideo.mp4(frames, scratch: hub.clipStore.directory)
        return Response(
            status: .ok,
            headers: [.contentType: "video/mp4", .contentDisposition: "attachment; filename=\"\(event.cameraID)-\(event.id).mp4\""],
            body: .init(byteBuffer: ByteBuffer(bytes: video))
        )
    }

    private func clipFrames(_ context: HubRequestContext) async throws -> [ClipFile.Frame] {
        let event = try await event(context)
        guard let name = event.clip else { throw CamHubError.notFound("event '\(event.id)' has no clip") }
        // On a site, the clip is on the hub that analysed the camera.
        var frames = hub.clipStore.frames(of: name)
        if frames == nil { frames = await hub.clipFetcher.frames(of: name, from: hub.cluster.otherPeers) }
        guard let frames, !frames.isEmpty else {
            throw CamHubError.notFound("event '\(event.id)''s clip is not on this hub (removed by retention, or not written: see the log)")
        }
        return frames
    }

    private var timeline: EventTimeline {
        EventTimeline(events: hub.events, records: hub.records, analyses: hub.analyses)
    }

    private func event(_ context: HubRequestContext) async throws -> CameraEvent {
        let id = try context.parameters.require("id")
        guard let event = try await timeline.entry(id: id) else { throw CamHubError.notFound("event '\(id)' not found") }
        return event
    }

    /// `camera_id`, `kind` (motion, detection, analysis), `zone`, `since`, `until` (ISO 8601 or Unix seconds), `limit` (1–500,
    /// default 50), `offset`.
    static func query(_ request: Request) throws -> EventQuery {
        let parameters = request.uri.queryParameters
        if let kind = parameters["kind"].map(String.init), !EventTimeline.kinds.contains(kind) {
            throw CamHubError.badRequest("kind must be one of \(EventTimeline.kinds.joined(separator: ", ")), got '\(kind)'")
        }
        return EventQuery(
            limit: try QueryParameters.integer(request, "limit", default: 50, range: 1...500),
            offset: try QueryParameters.integer(request, "offset", default: 0, range: 0...1_000_000_000),
            cameraID: parameters["camera_id"].map(String.init), kind: parameters["kind"].map(String.init),
            zone: parameters["zone"].map(String.init), since: try QueryParameters.date(request, "since"),
            until: try QueryParameters.date(request, "until")
        )
    }

    struct EventList: Encodable {
        let events: [EventJSON]
        let totalCount: Int

        enum CodingKeys: String, CodingKey {
            case events
            case totalCount = "total_count"
        }
    }
}

/// One event as the API shows it.
struct EventJSON: Encodable {
    let id: String
    let cameraID: String
    let kind: String
    let start: String
    let end: String?
    let unfinished: Bool
    let zones: [String]
    let boxes: [EventBox]
    let peakArea: Double
    let caption: String?
    let snapshotURL: String?
    let clipURL: String?

    init(_ event: CameraEvent) {
        id = event.id
        cameraID = event.cameraID
        kind = event.kind
        start = JSONText.timestamp(event.start)
        end = event.end.map(JSONText.timestamp)
        unfinished = event.unfinished
        zones = event.zones
        boxes = event.boxes
        peakArea = event.peakArea
        caption = event.caption
        snapshotURL = event.snapshot == nil ? nil : "/api/events/\(event.id)/snapshot.jpg"
        clipURL = event.clip == nil ? nil : "/api/events/\(event.id)/clip.mjpeg"
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, start, end, unfinished, zones, boxes, caption
        case cameraID = "camera_id"
        case peakArea = "peak_area"
        case snapshotURL = "snapshot_url"
        case clipURL = "clip_url"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(cameraID, forKey: .cameraID)
        try c.encode(kind, forKey: .kind)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(unfinished, forKey: .unfinished)
        try c.encode(zones, forKey: .zones)
        try c.encode(boxes, forKey: .boxes)
        try c.encode(peakArea, forKey: .peakArea)
        try c.encode(caption, forKey: .caption)
        try c.encode(snapshotURL, forKey: .snapshotURL)
        try c.encode(clipURL, forKey: .clipURL)
    }
}
