public import Foundation
import Synchronization

/// The web app's logged-in sessions, by the SHA-256 of their ids (the id itself, in the browser's
/// cookie, is never stored). Kept in the database, so a login through one hub is valid on every
/// hub sharing it, a logout ends it everywhere, and a restart logs nobody out.
public protocol WebSessionRepository: Sendable {
    func create(hash: String, expiresAt: Date) async throws
    /// When the session ends; nil for one that never was, has ended or has expired by `now`.
    func expiry(ofHash hash: String, now: Date) async throws -> Date?
    func end(hash: String) async throws
    /// Forgets the sessions that expired before `now`.
    func purge(expiredBefore now: Date) async throws
}

/// Sessions in memory: a hub without a database, and tests.
public final class MemoryWebSessionRepository: WebSessionRepository {
    private let sessions = Mutex<[String: Date]>([:])

    public init() {}

    public func create(hash: String, expiresAt: Date) async throws {
        sessions.withLock { $0[hash] = expiresAt }
    }

    public func expiry(ofHash hash: String, now: Date) async throws -> Date? {
        sessions.withLock { $0[hash].flatMap { $0 > now ? $0 : nil } }
    }

    public func end(hash: String) async throws {
        _ = sessions.withLock { $0.removeValue(forKey: hash) }
    }

    public func purge(expiredBefore now: Date) async throws {
        sessions.withLock { $0 = $0.filter { $0.value > now } }
    }
}
