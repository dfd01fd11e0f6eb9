public import CamHubCore
import PostgresNIO

/// Shared secrets in PostgreSQL: the first hub to propose one stores it (`ON CONFLICT DO NOTHING`),
/// and every hub reads back the stored value.
public struct PostgresSharedSecretRepository: SharedSecretRepository {
    private let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func secret(_ name: String, proposing proposed: String) async throws -> String {
        try await database.execute("INSERT INTO hub_secrets (name, value) VALUES (\(name), \(proposed)) ON CONFLICT (name) DO NOTHING")
        guard let value = try await existingSecret(name) else { throw CamHubError(.storage, "the shared secret '\(name)' was not stored") }
        return value
    }

    public func replace(_ name: String, with value: String) async throws {
        try await database.execute("INSERT INTO hub_secrets (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value")
    }

    public func existingSecret(_ name: String) async throws -> String? {
        try await database.rows("SELECT value FROM hub_secrets WHERE name = \(name)").first?.decode(String.self)
    }
}
