import CamHubCore
import Foundation
import Hummingbird

/// Analysis results (captions and answers): the stored ones, newest first, and a question about
/// a camera's newest frame.
struct AnalysisController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("cameras/{id}/results", use: results)
        routes.post("cameras/{id}/ask", use: ask)
        return routes
    }

    /// `POST /cameras/{id}/ask` `{question}` (operator): runs `vqa` on the camera's newest frame
    /// and answers the stored result. 503 with `no_vision_model` when no model is configured.
    @Sendable func ask(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard try await hub.access.isOperator(request, context: context) else {
            throw APIError.unauthorized("asking about a frame needs the admin token")
        }
        let camera = try await hub.camera(try context.parameters.require("id"))
        try camera.refuseIfStopped("ask about its frames")
        let body = try await JSONObject.read(request, limit: 16 * 1024)
        let question = body.string("question", required: true, length: 1...500)
        try body.check()
        // A captured camera may be on demand and idle: asking wakes it and waits for its first frame.
        let newest = camera.kind.isCaptured
            ? try await SnapshotResponse.newestOrFirst(hub.frames.feed(for: camera.id))
            : hub.frames.existingFeed(for: camera.id)?.newest
        guard let frame = newest else {
            throw APIError(.conflict, code: "no_frame", "camera '\(camera.id)' has no frame to ask about yet")
        }
        let record = try await hub.analyze(frame, task: .vqa, question: question)
        return try JSONResponse.make(StoredResultJSON(record: record))
    }

    @Sendable func results(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = try await hub.access.managedCamera(try context.parameters.require("id"), request: request, context: context, lookup: hub.camera)
        let limitText = request.uri.queryParameters["limit"].map(String.init) ?? "50"
        guard let limit = Int(limitText), (1...1000).contains(limit) else {
            throw APIError.badRequest("limit must be an integer between 1 and 1000, got '\(limitText)'")
        }
        let records = try await hub.analyses.results(for: camera.id, limit: limit)
        return try JSONResponse.make(["results": records.map(StoredResultJSON.init)])
    }
}

/// Seed 000's `result`: `caption` or `answer`, with `latency` and `tokens_per_second`.
struct ResultJSON: Encodable {
    let record: AnalysisRecord

    enum CodingKeys: String, CodingKey {
        case caption, answer, latency, model
        case tokensPerSecond = "tokens_per_second"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(record.answer.text, forKey: record.task == .vqa ? .answer : .caption)
        try c.encode(record.answer.latency, forKey: .latency)
        try c.encode(record.answer.tokensPerSecond, forKey: .tokensPerSecond)
        try c.encode(record.answer.model, forKey: .model)
    }
}

/// A stored result with what it was about.
struct StoredResultJSON: Encodable {
    let record: AnalysisRecord

    enum CodingKeys: String, CodingKey {
        case id, task, question, result
        case cameraID = "camera_id"
        case frameTime = "frame_time"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(record.id, forKey: .id)
        try c.encode(record.cameraID, forKey: .cameraID)
        try c.encode(record.task.rawValue, forKey: .task)
        try c.encode(record.question, forKey: .question)
        try c.encode(ResultJSON(record: record), forKey: .result)
        try c.encode(JSONText.timestamp(record.frameTime), forKey: .frameTime)
        try c.encode(JSONText.timestamp(record.createdAt), forKey: .createdAt)
    }
}
