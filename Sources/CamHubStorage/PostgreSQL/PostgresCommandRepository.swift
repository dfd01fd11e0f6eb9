public import CamHubCore
public import Foundation
import PostgresNIO

/// Queued commands in PostgreSQL. `takeQueued` marks and returns the rows in one statement
/// (`UPDATE ... RETURNING`), so two heartbeats racing through two hubs never both get a command.
public struct PostgresCommandRepository: CommandRepository {
    private let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func enqueue(_ request: CommandRequest, for cameraID: CameraID, at time: Date) async throws -> CameraCommand {
        let rows = try await database.rows("""
            INSERT INTO commands (camera_id, type, value, reason, state, created_at)
            VALUES (\(cameraID), \(request.type.rawValue), \(try JSONColumn.encode(request.value)), \(request.reason),
                \(CommandState.queued.rawValue), \(time.timeIntervalSince1970))
            RETURNING id
            """)
        guard let id = try rows.first?.decode(Int64.self) else { throw CamHubError(.storage, "the command was not stored") }
        return CameraCommand(id: id, cameraID: cameraID, type: request.type, value: request.value, reason: request.reason, createdAt: time)
    }

    public func commands(for cameraID: CameraID) async throws -> [CameraCommand] {
        try await database.rows("""
            SELECT id, camera_id, type, value, reason, state, created_at, delivered_at FROM commands WHERE camera_id = \(cameraID) ORDER BY id
            """).map(Self.command(from:))
    }

    public func restore(_ command: CameraCommand) async throws {
        try await database.execute("""
            INSERT INTO commands (camera_id, type, value, reason, state, created_at, delivered_at)
            VALUES (\(command.cameraID), \(command.type.rawValue), \(try JSONColumn.encode(command.value)), \(command.reason),
                \(command.state.rawValue), \(command.createdAt.timeIntervalSince1970), \(command.deliveredAt?.timeIntervalSince1970))
            """)
    }

    public func takeQueued(for cameraID: CameraID, at time: Date) async throws -> [CameraCommand] {
        try await database.rows("""
            UPDATE commands SET state = \(CommandState.delivered.rawValue), delivered_at = \(time.timeIntervalSince1970)
            WHERE camera_id = \(cameraID) AND state = \(CommandState.queued.rawValue)
            RETURNING id, camera_id, type, value, reason, state, created_at, delivered_at
            """).map(Self.command(from:)).sorted { $0.id < $1.id }
    }

    private static func command(from row: PostgresRow) throws -> CameraCommand {
        let (id, cameraID, type, value, reason, state, createdAt, deliveredAt) =
            try row.decode((Int64, String, String, String, String?, String, Double, Double?).self)
        return CameraCommand(
            id: id, cameraID: cameraID, type: CommandType(rawValue: type) ?? .setTask,
            value: try JSONColumn.decode(CommandValue.self, value), reason: reason,
            state: CommandState(rawValue: state) ?? .delivered, createdAt: Date(timeIntervalSince1970: createdAt),
            deliveredAt: deliveredAt.map(Date.init(timeIntervalSince1970:))
        )
    }
}
