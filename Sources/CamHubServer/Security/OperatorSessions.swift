import CamHubCore
import Foundation

/// Browser sessions of operators who logged in with the admin token. A session id is 256 random
/// bits; the repository keeps only its SHA-256, so a login through one hub of a site is valid on
/// all of them and a logout ends it everywhere. A session expires after `lifetime`.
struct OperatorSessions: Sendable {
    static let cookieName = "camhub_session"
    static let lifetime: TimeInterval = 12 * 3600

    let repository: any WebSessionRepository

    /// A new session; returns the id to put in the cookie. Expired sessions are forgotten then.
    func create(now: Date = Date()) async throws -> String {
        let id = CameraKeys.generate()
        try await repository.purge(expiredBefore: now)
        try await repository.create(hash: CameraKeys.hash(id), expiresAt: now.addingTimeInterval(Self.lifetime))
        return id
    }

    func isValid(_ id: String, now: Date = Date()) async throws -> Bool {
        try await repository.expiry(ofHash: CameraKeys.hash(id), now: now) != nil
    }

    func end(_ id: String) async throws {
        try await repository.end(hash: CameraKeys.hash(id))
    }

    /// The session id a `Cookie` header carries, if any.
    /// Ends every session (the admin token they were made with was rotated).
    func endAll() async throws {
        try await repository.purge(expiredBefore: .distantFuture)
    }

    static func id(fromCookieHeader header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == cookieName, !parts[1].isEmpty { return parts[1] }
        }
        return nil
    }
}
