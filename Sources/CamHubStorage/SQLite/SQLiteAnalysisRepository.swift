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

    public func results(_ query: AnalysisQuery) async throws -> [AnalysisRecord] {
        let (filter, arguments) = Self.filter(query)
        return try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM analysis_results \(filter) ORDER BY id DESC LIMIT ? OFFSET ?", arguments: arguments + [query.limit, query.offset]
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

    public func count(_ query: AnalysisQuery) async throws -> Int {
        let (filter, arguments) = Self.filter(query)
        return try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM analysis_results \(filter)", arguments: arguments) ?? 0 }
    }

    private static func filter(_ query: AnalysisQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let camera = query.cameraID { clauses.append("camera_id = ?"); arguments += [camera] }
        if let since = query.since { clauses.append("created_at >= ?"); arguments += [since.timeIntervalSince1970] }
        if let until = query.until { clauses.append("created_at <= ?"); arguments += [until.timeIntervalSince1970] }
        if let id = query.id { clauses.append("id = ?"); arguments += [id] }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }
}
