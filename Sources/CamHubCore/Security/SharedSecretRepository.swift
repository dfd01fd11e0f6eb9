/// Secrets every hub sharing one database must agree on (the admin token's hash, the push secret,
/// the key that seals camera credentials), kept in that database. A hub with a database of its
/// own keeps them as files in its data dir instead.
public protocol SharedSecretRepository: Sendable {
    /// The secret named `name`. When there is none yet, `proposed` is stored and returned; hubs
    /// starting at the same moment all get the one that was stored first.
    func secret(_ name: String, proposing proposed: String) async throws -> String
    /// The secret named `name`, nil when no hub has made it yet.
    func existingSecret(_ name: String) async throws -> String?
    /// Replaces the secret (`camhub admin-token rotate`); every hub reads it again.
    func replace(_ name: String, with value: String) async throws
}
