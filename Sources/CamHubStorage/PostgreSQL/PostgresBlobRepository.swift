public import CamHubCore
public import Foundation
import NIOCore
import PostgresNIO

/// Blobs in PostgreSQL (`bytea`), so every hub that shares the database can serve every image,
/// whichever hub received it.
public struct PostgresBlobRepository: BlobRepository {
    private let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func put(_ name: String, _ bytes: Data) async throws {
        try await database.execute("""
            INSERT INTO blobs (name, bytes, created_at) VALUES (\(name), \(ByteBuffer(bytes: bytes)), \(Date().timeIntervalSince1970))
            ON CONFLICT (name) DO NOTHING
            """)
    }

    public func get(_ name: String) async throws -> Data? {
        guard let row = try await database.rows("SELECT bytes FROM blobs WHERE name = \(name)").first else { return nil }
        let buffer = try row.decode(ByteBuffer.self)
        return Data(buffer.readableBytesView)
    }

    public func remove(_ names: [String]) async throws {
        guard !names.isEmpty else { return }
        try await database.execute("DELETE FROM blobs WHERE name = ANY(\(names))")
    }
}
