public import CamHubCore
public import Foundation
import PostgresNIO

/// Analysis results (captions and answers) in PostgreSQL.
public struct PostgresAnalysisRepository: AnalysisRepository {
    private let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func add(
        cameraID: CameraID, task: AnalysisTask, question: String?, answer: AnalysisAnswer, frameTime: Date, at time: Date
    ) async throws -> AnalysisRecord {
        let rows = try await database.rows("""
            INSERT INTO analysis_results (camera_id, task, question, text, latency, tokens_per_second, model, frame_time, created_at)
            VALUES (\(cameraID), \(task.rawValue), \(question), \(answer.text), \(answer.latency), \(answer.tokensPerSecond), \(answer.model),
                \(frameTime.timeIntervalSince1970), \(time.timeIntervalSince1970))
            RETURNING id
            """)
        guard let id = try rows.first?.decode(Int64.self) else { throw CamHubError(.storage, "the result was not stored") }
        return AnalysisRecord(id: id, cameraID: cameraID, task: task, question: question, answer: answer, frameTime: frameTime, createdAt: time)
    }

    public func results(_ query: AnalysisQuery) async throws -> [AnalysisRecord] {
        var (filter, binds) = Self.filter(query)
        binds.append(query.limit)
        binds.append(query.offset)
        let sql = """
            SELECT id, camera_id, task, question, text, latency, tokens_per_second, model, frame_time, created_at
            FROM analysis_results \(filter) ORDER BY id DESC LIMIT $\(binds.count - 1) OFFSET $\(binds.count)
            """
        return try await database.rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map { row in
            let (id, camera, task, question, text, latency, speed, model, frameTime, createdAt) =
                try row.decode((Int64, String, String, String?, String, Double, Double?, String, Double, Double).self)
            return AnalysisRecord(
                id: id, cameraID: camera, task: AnalysisTask(rawValue: task) ?? .caption, question: question,
                answer: AnalysisAnswer(text: text, latency: latency, tokensPerSecond: speed, model: model),
                frameTime: Date(timeIntervalSince1970: frameTime), createdAt: Date(timeIntervalSince1970: createdAt)
            )
        }
    }

    public func count(_ query: AnalysisQuery) async throws -> Int {
        let (filter, binds) = Self.filter(query)
        let rows = try await database.rows(PostgresQuery(unsafeSQL: "SELECT count(*) FROM analysis_results \(filter)", binds: binds))
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    private static func filter(_ query: AnalysisQuery) -> (String, PostgresBindings) {
        var clauses: [String] = []
        var binds = PostgresBindings()
        if let camera = query.cameraID { binds.append(camera); clauses.append("camera_id = $\(binds.count)") }
        if let since = query.since { binds.append(since.timeIntervalSince1970); clauses.append("created_at >= $\(binds.count)") }
        if let until = query.until { binds.append(until.timeIntervalSince1970); clauses.append("created_at <= $\(binds.count)") }
        if let id = query.id { binds.append(id); clauses.append("id = $\(binds.count)") }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), binds)
    }
}
