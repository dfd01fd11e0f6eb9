import CamHubAnalysis
import CamHubCore
import Foundation
import Hummingbird

extension Hub {
    /// Runs the frame through the vision model, stores the answer and tells the web page. A
    /// missing, slow or failing model never yields a made-up result.
    func analyze(_ frame: Frame, task: AnalysisTask, question: String?) async throws -> AnalysisRecord {
        guard let vision else {
            throw APIError(
                .serviceUnavailable, code: "no_vision_model",
                "no vision model is configured (set vlm.url and vlm.model), so '\(task.rawValue)' cannot run"
            )
        }
        let answer: AnalysisAnswer
        do {
            answer = try await vision.analyze(camera: frame.cameraID, jpeg: frame.jpeg, task: task, question: question)
        } catch let error as VisionModelError {
            let status: HTTPResponse.Status = error.kind == .timedOut ? .gatewayTimeout : .badGateway
            throw APIError(status, code: error.kind == .timedOut ? "vision_model_timeout" : "vision_model_failed", error.message)
        } catch is AnalysisSuperseded {
            throw APIError(.conflict, code: "superseded", "a newer frame from this camera took this one's place in the analysis queue")
        }
        let record = try await analyses.add(
            cameraID: frame.cameraID, task: task, question: task == .vqa ? question : nil, answer: answer,
            frameTime: Date(timeIntervalSince1970: frame.timestamp.seconds), at: Date()
        )
        if liveEvents.hasSubscribers, let json = try? JSONEncoder().encode(StoredResultJSON(record: record)) {
            liveEvents.publish("analysis", String(decoding: json, as: UTF8.self))
        }
        return record
    }
}
