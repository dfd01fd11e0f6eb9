public import Foundation

/// What a vision-language model is asked about a frame.
public enum AnalysisTask: String, Sendable, Codable, CaseIterable {
    /// Describe the picture.
    case caption
    /// Answer a question about the picture.
    case vqa
}

/// A model's answer, as seed 000 reports it.
public struct AnalysisAnswer: Sendable, Equatable {
    public var text: String
    /// Seconds the model took.
    public var latency: Double
    /// Completion tokens per second, when the model reports its usage.
    public var tokensPerSecond: Double?
    public var model: String

    public init(text: String, latency: Double, tokensPerSecond: Double?, model: String) {
        self.text = text
        self.latency = latency
        self.tokensPerSecond = tokensPerSecond
        self.model = model
    }
}

/// A vision-language model. The hub speaks to it through one protocol so tests can stand one in.
public protocol VisionModel: Sendable {
    func analyze(jpeg: [UInt8], task: AnalysisTask, question: String?) async throws -> AnalysisAnswer
}

/// One stored analysis result: which camera and frame it was about, what was asked and answered.
public struct AnalysisRecord: Sendable, Equatable {
    public var id: Int64
    public var cameraID: CameraID
    public var task: AnalysisTask
    public var question: String?
    public var answer: AnalysisAnswer
    /// When the analysed frame entered the hub.
    public var frameTime: Date
    public var createdAt: Date

    public init(id: Int64, cameraID: CameraID, task: AnalysisTask, question: String?, answer: AnalysisAnswer, frameTime: Date, createdAt: Date) {
        self.id = id
        self.cameraID = cameraID
        self.task = task
        self.question = question
        self.answer = answer
        self.frameTime = frameTime
        self.createdAt = createdAt
    }
}

/// Where analysis results are kept.
public protocol AnalysisRepository: Sendable {
    /// Stores a result and returns it with its id.
    func add(cameraID: CameraID, task: AnalysisTask, question: String?, answer: AnalysisAnswer, frameTime: Date, at time: Date) async throws -> AnalysisRecord
    /// Newest first, filtered and paged.
    func results(_ query: AnalysisQuery) async throws -> [AnalysisRecord]
    func count(_ query: AnalysisQuery) async throws -> Int
}

extension AnalysisRepository {
    /// A camera's newest results first.
    public func results(for cameraID: CameraID, limit: Int) async throws -> [AnalysisRecord] {
        try await results(AnalysisQuery(limit: limit, cameraID: cameraID))
    }
}

/// Which analysis results to list: newest first, filtered, paged.
public struct AnalysisQuery: Sendable, Equatable {
    public var limit: Int
    public var offset: Int
    public var cameraID: CameraID?
    /// Results stored at or after `since`, and at or before `until`.
    public var since: Date?
    public var until: Date?
    public var id: Int64?

    public init(limit: Int = 50, offset: Int = 0, cameraID: CameraID? = nil, since: Date? = nil, until: Date? = nil, id: Int64? = nil) {
        self.limit = limit
        self.offset = offset
        self.cameraID = cameraID
        self.since = since
        self.until = until
        self.id = id
    }

    public func matches(_ record: AnalysisRecord) -> Bool {
        (cameraID.map { $0 == record.cameraID } ?? true) && (since.map { record.createdAt >= $0 } ?? true)
            && (until.map { record.createdAt <= $0 } ?? true) && (id.map { $0 == record.id } ?? true)
    }
}

public actor MemoryAnalysisRepository: AnalysisRepository {
    private var records: [AnalysisRecord] = []

    public init() {}

    public func add(cameraID: CameraID, task: AnalysisTask, question: String?, answer: AnalysisAnswer, frameTime: Date, at time: Date) -> AnalysisRecord {
        let record = AnalysisRecord(
            id: Int64(records.count + 1), cameraID: cameraID, task: task, question: question, answer: answer,
            frameTime: frameTime, createdAt: time
        )
        records.append(record)
        return record
    }

    public func results(_ query: AnalysisQuery) -> [AnalysisRecord] {
        Array(records.filter(query.matches).reversed().dropFirst(query.offset).prefix(query.limit))
    }

    public func count(_ query: AnalysisQuery) -> Int {
        records.filter(query.matches).count
    }
}
