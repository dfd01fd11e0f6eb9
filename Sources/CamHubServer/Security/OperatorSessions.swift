import Foundation
import Synchronization

/// Browser sessions of operators who logged in with the admin token. A session id is 256 random
/// bits, kept only in memory (a restart logs everyone out) and only as its SHA-256, and it
/// expires after `lifetime`.
final class OperatorSessions: Sendable {
    static let cookieName = "camhub_session"
    static let lifetime: TimeInterval = 12 * 3600

    private let sessions = Mutex<[String: Date]>([:])

    /// A new session; returns the id to put in the cookie.
    func create(now: Date = Date()) -> String {
        let id = CameraKeys.generate()
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value > now }
            sessions[CameraKeys.hash(id)] = now.addingTimeInterval(Self.lifetime)
        }
        return id
    }

    func isValid(_ id: String, now: Date = Date()) -> Bool {
        let hash = CameraKeys.hash(id)
        return sessions.withLock { sessions in
            guard let expiry = sessions[hash] else { return false }
            guard expiry > now else {
                sessions[hash] = nil
                return false
            }
            return true
        }
    }

    func end(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: CameraKeys.hash(id)) }
    }

    /// The session id a `Cookie` header carries, if any.
    static func id(fromCookieHeader header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == cookieName, !parts[1].isEmpty { return parts[1] }
        }
        return nil
    }
}
