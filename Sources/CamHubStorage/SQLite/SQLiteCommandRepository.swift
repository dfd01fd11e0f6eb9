public import CamHubCore
public import Foundation
import GRDB

/// Queued commands in SQLite. `takeQueued` marks and returns rows in one write transaction, so two
/// heartbeats racing for the same camera can never both get a command.
public struct SQLiteCommandRepository: CommandRepository {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func enqueue(_ request: CommandRequest, for cameraID: CameraID, at time: Date) async throws -> CameraCommand {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO commands (camera_id, type, value, reason, state, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [cameraID, request.type.rawValue, try JSONColumn.encode(request.value), request.reason,
                            CommandState.queued.rawValue, time.timeIntervalSince1970]
            )
            return CameraCommand(
                id: db.lastInsertedRowID, cameraID: cameraID, type: request.type, value: request.value,
                reason: request.reason, createdAt: time
            )
        }
    }

    public func commands(for cameraID: CameraID) async throws -> [CameraCommand] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM commands WHERE camera_id = ? ORDER BY id", arguments: [cameraID])
                .map(Self.command(from:))
        }
    }

    public func restore(_ command: CameraCommand) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO commands (camera_id, type, value, reason, state, created_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [command.cameraID, command.type.rawValue, try JSONColumn.encode(command.value), command.reason, command.state.rawValue,
                            command.createdAt.timeIntervalSince1970, command.deliveredAt?.timeIntervalSince1970]
            )
        }
    }

    public func takeQueued(for cameraID: CameraID, at time: Date) async throws -> [CameraCommand] {
        try await database.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM commands WHERE camera_id = ? AND state = ? ORDER BY id",
                arguments: [cameraID, CommandState.queued.rawValue]
            )
            guard !rows.isEmpty else { return [] }
            try db.execute(
                sql: "UPDATE commands SET state = ?, delivered_at = ? WHERE camera_id = ? AND state = ?",
                arguments: [CommandState.delivered.rawValue, time.timeIntervalSince1970, cameraID, CommandState.queued.rawValue]
            )
            return try rows.map { row in
                var command = try Self.command(from: row)
                command.state = .delivered
                command.deliveredAt = time
                return command
            }
        }
    }

    private static func command(from row: Row) throws -> CameraCommand {
        CameraCommand(
            id: row["id"],
            cameraID: row["camera_id"],
            type: CommandType(rawValue: row["type"]) ?? .setTask,
            value: try JSONColumn.decode(CommandValue.self, row["value"]),
            reason: row["reason"],
            state: CommandState(rawValue: row["state"]) ?? .delivered,
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            deliveredAt: (row["delivered_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }
}
