import CamHubAnalysis
import CamHubCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Frames sent by registered cameras: seed 000's base64 JSON form, and a raw JPEG form without the
/// base64 cost. Either way the frame goes into the frame hub, so every delivery path serves it.
struct FrameUploadController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.post("cameras/{id}/upload", use: upload)
        routes.post("cameras/{id}/frames", use: rawFrame)
        return routes
    }

    /// Seed 000's upload: `{camera_id, api_key, frame_data (base64 JPEG), timestamp, frame_number, task, question}`.
    @Sendable func upload(_ request: Request, context: HubRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let body = try await JSONObject.read(request, limit: hub.configuration.server.maxBodyBytes)
        let camera = try await hub.authenticatedCamera(try context.parameters.require("id"), key: Access.presentedKey(request, body: body))
        let encoded = body.string("frame_data", required: true)
        let task = body.choice("task", in: AnalysisTask.allCases.map(\.rawValue))
        let question = body.string("question", length: 0...500)
        _ = body.number("timestamp")
        _ = body.integer("frame_number", range: 0...Int.max)
        try body.check()
        try hub.refuseIngestIfStopped(camera, what: "frames", logger: context.logger)

        guard let data = Data(base64Encoded: encoded!, options: .ignoreUnknownCharacters) else {
            throw APIError.validation([FieldProblem(field: "frame_data", message: "is not valid base64", kind: "value_error")])
        }
        let frame = try await publish([UInt8](data), for: camera, logger: context.logger)
        let analysis: AnalysisRecord?
        if let task = (task ?? camera.settings.task).flatMap(AnalysisTask.init) {
            analysis = try await hub.analyze(frame, task: task, question: question ?? camera.settings.question)
        } else {
            analysis = nil
        }
        return try JSONResponse.make(
            UploadReply(
                cameraID: camera.id, task: analysis?.task.rawValue, result: analysis.map(ResultJSON.init), frame: .init(frame),
                processingTime: ((ContinuousClock.now - started).inSeconds * 1000).rounded() / 1000,
                timestamp: JSONText.timestamp(Date())
            )
        )
    }

    /// `POST /cameras/{id}/frames`: the body is the JPEG itself, with the key as a bearer token.
    @Sendable func rawFrame(_ request: Request, context: HubRequestContext) async throws -> Response {
        let camera = try await hub.authenticatedCamera(try context.parameters.require("id"), key: Access.presentedKey(request))
        try hub.refuseIngestIfStopped(camera, what: "frames", logger: context.logger)
        let buffer = try await request.collectBody(limit: hub.configuration.hub.maxFrameBytes, what: "frame")
        let frame = try await publish(Array(buffer: buffer), for: camera, logger: context.logger)
        return try JSONResponse.make(FrameJSON(frame))
    }

    /// Checks the JPEG and its size, then hands it to the camera's feed (on the hub that captures it).
    private func publish(_ jpeg: [UInt8], for camera: Camera, logger: Logger) async throws -> Frame {
        let limit = hub.configuration.hub.maxFrameBytes
        guard jpeg.count <= limit else {
            throw APIError(.contentTooLarge, code: "too_large", "frame is larger than \(limit) bytes")
        }
        guard let header = JPEGHeader(jpeg) else {
            throw APIError.validation([FieldProblem(field: "frame_data", message: "is not a JPEG (no SOI, frame header or EOI)", kind: "value_error")])
        }
        return try await hub.ingest(jpeg, header, for: camera.id, logger: logger)
    }

    struct UploadReply: Encodable {
        let cameraID: String
        let task: String?
        let result: ResultJSON?
        let frame: FrameJSON
        let processingTime: Double
        let timestamp: String

        enum CodingKeys: String, CodingKey {
            case task, frame, timestamp, result
            case cameraID = "camera_id"
            case processingTime = "processing_time"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(cameraID, forKey: .cameraID)
            try c.encode(task, forKey: .task)
            try c.encode(result, forKey: .result)
            try c.encode(frame, forKey: .frame)
            try c.encode(processingTime, forKey: .processingTime)
            try c.encode(timestamp, forKey: .timestamp)
        }
    }
}

/// What the hub accepted: the frame's sequence, size and arrival time.
struct FrameJSON: Encodable {
    let sequence: UInt64
    let width: Int
    let height: Int
    let bytes: Int
    let timestamp: String

    init(_ frame: Frame) {
        sequence = frame.sequence
        width = frame.width
        height = frame.height
        bytes = frame.byteCount
        timestamp = frame.timestamp.headerValue
    }
}
