public import CamHubCore
public import Foundation
import GRDB

/// Analysis results (captions and answers) in SQLite.
public struct SQLiteAnalysisRepository: AnalysisRepository {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func add(
        cameraID: CameraID, task: AnalysisTask, question: String?, answer: AnalysisAnswer, frameTime: Date, at time: Date
    ) async throws -> AnalysisRecord {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO analysis_results (camera_id, task, question, text, latency, tokens_per_second, model, frame_time, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [cameraID, task.rawValue, question, answer.text, answer.latency, answer.tokensPerSecond, answer.model,
                            frameTime.timeIntervalSince1970, time.timeIntervalSince1970]
            )
            return AnalysisRecord(
                id: db.lastInsertedRowID, cameraID: cameraID, task: task, question: question, answer: answer,
                frameTime: frameTime, createdAt: time
            )
        }
    }

    public func results(for cameraID: CameraID, limit: Int) async throws -> [AnalysisRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM analysis_results WHERE camera_id = ? ORDER BY id DESC LIMIT ?", arguments: [cameraID, limit]
            ).map { row in
                AnalysisRecord(
                    id: row["id"], cameraID: row["camera_id"], task: AnalysisTask(rawValue: row["task"]) ?? .caption,
                    question: row["question"],
                    answer: AnalysisAnswer(text: row["text"], latency: row["latency"], tokensPerSecond: row["tokens_per_second"], model: row["model"]),
                    frameTime: Date(timeIntervalSince1970: row["frame_time"]),
                    createdAt: Date(timeIntervalSince1970: row["created_at"])
                )
            }
        }
    }
}
