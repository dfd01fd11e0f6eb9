public import Foundation
import Synchronization

/// Wrong credentials counted per client address (the one a trusted proxy forwards for): once an
/// address has presented `maxFailures` of them within the window, it is refused (429 with
/// `Retry-After`, or its socket closed) until the oldest leaves the window, whatever it presents.
/// Other addresses are not affected. Kept in memory, per hub; at most `maxClients` addresses are
/// remembered (the ones idle longest are forgotten first).
public final class FailureLimiter: Sendable {
    public typealias Settings = @Sendable () -> SecuritySettings
    static let maxClients = 100_000

    private let settings: Settings
    private let state = Mutex(State())

    private struct State {
        var failures: [String: [Date]] = [:]
        var counts: [String: Int] = [:]
        var lockouts = 0
    }

    public init(settings: @escaping Settings) {
        self.settings = settings
    }

    /// Seconds until `client` may try again, or nil when it may now.
    public func retryAfter(_ client: String?, now: Date = Date()) -> Int? {
        let settings = settings()
        guard settings.maxFailures > 0, let client else { return nil }
        return state.withLock { state -> Int? in
            let window = TimeInterval(settings.windowSeconds)
            guard var times = state.failures[client] else { return nil }
            times.removeAll { now.timeIntervalSince($0) >= window }
            state.failures[client] = times.isEmpty ? nil : times
            guard times.count >= settings.maxFailures else { return nil }
            // Free again once enough of them are older than the window.
            let freeing = times[times.count - settings.maxFailures]
            return max(1, Int((window - now.timeIntervalSince(freeing)).rounded(.up)))
        }
    }

    /// Counts a wrong credential of `kind` from `client`; true when this one locked it out.
    @discardableResult
    public func recordFailure(_ client: String?, kind: String, now: Date = Date()) -> Bool {
        let settings = settings()
        return state.withLock { state -> Bool in
            state.counts[kind, default: 0] += 1
            guard settings.maxFailures > 0, let client else { return false }
            let window = TimeInterval(settings.windowSeconds)
            var times = (state.failures[client] ?? []).filter { now.timeIntervalSince($0) < window }
            times.append(now)
            if times.count > settings.maxFailures { times.removeFirst(times.count - settings.maxFailures) }
            state.failures[client] = times
            if state.failures.count > Self.maxClients, let idlest = state.failures.min(by: { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }) {
                state.failures[idlest.key] = nil
            }
            guard times.count == settings.maxFailures else { return false }
            state.lockouts += 1
            return true
        }
    }

    /// Wrong credentials by kind, and lockouts, since the start (for `/metrics`).
    public var statistics: (failures: [String: Int], lockouts: Int) {
        state.withLock { ($0.counts, $0.lockouts) }
    }
}
