public import CamHubCore

/// Bounds the work sent to the vision model: at most `maxConcurrent` analyses run at once, and each
/// camera has at most one waiting. When a newer frame of the same camera arrives, the waiting older
/// one gives way (newest wins), so a busy model never builds a backlog of stale frames.
public actor AnalysisScheduler {
    public let model: any VisionModel
    public let maxConcurrent: Int
    private var running = 0
    private var waiting: [CameraID: CheckedContinuation<Void, any Error>] = [:]
    private var queue: [CameraID] = []

    public init(model: any VisionModel, maxConcurrent: Int) {
        self.model = model
        self.maxConcurrent = max(1, maxConcurrent)
    }

    public func analyze(camera: CameraID, jpeg: [UInt8], task: AnalysisTask, question: String?) async throws -> AnalysisAnswer {
        try await acquireSlot(for: camera)
        defer { releaseSlot() }
        return try await model.analyze(jpeg: jpeg, task: task, question: question)
    }

    private func acquireSlot(for camera: CameraID) async throws {
        if running < maxConcurrent {
            running += 1
            return
        }
        if let older = waiting.removeValue(forKey: camera) {
            queue.removeAll { $0 == camera }
            older.resume(throwing: AnalysisSuperseded(cameraID: camera))
        }
        try await withCheckedThrowingContinuation { continuation in
            waiting[camera] = continuation
            queue.append(camera)
        }
    }

    /// Hands the slot straight to the camera that has waited longest.
    private func releaseSlot() {
        if queue.isEmpty {
            running -= 1
        } else {
            let next = queue.removeFirst()
            waiting.removeValue(forKey: next)?.resume()
        }
    }
}

/// A waiting analysis that gave way to a newer frame of the same camera.
public struct AnalysisSuperseded: Error, Sendable, Equatable {
    public let cameraID: CameraID
}
