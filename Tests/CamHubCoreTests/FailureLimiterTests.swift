import CamHubCore
import Foundation
import Testing

@Suite("Failure limiter")
struct FailureLimiterTests {
    static func limiter(max: Int = 3, window: Int = 60) -> FailureLimiter {
        var settings = SecuritySettings()
        (settings.maxFailures, settings.windowSeconds) = (max, window)
        let fixed = settings
        return FailureLimiter { fixed }
    }

    @Test func anAddressIsLockedAfterItsFailuresUntilTheWindowLetsItGo() {
        let limiter = Self.limiter()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(!limiter.recordFailure("10.0.0.1", kind: "token", now: start))
        #expect(!limiter.recordFailure("10.0.0.1", kind: "token", now: start.addingTimeInterval(10)))
        #expect(limiter.retryAfter("10.0.0.1", now: start.addingTimeInterval(11)) == nil)
        #expect(limiter.recordFailure("10.0.0.1", kind: "login", now: start.addingTimeInterval(20)), "the third locks it")
        // Free once the first failure is 60 s old: 40 s after the third.
        #expect(limiter.retryAfter("10.0.0.1", now: start.addingTimeInterval(20)) == 40)
        #expect(limiter.retryAfter("10.0.0.1", now: start.addingTimeInterval(59)) == 1)
        #expect(limiter.retryAfter("10.0.0.2", now: start.addingTimeInterval(21)) == nil, "another address is not affected")
        #expect(limiter.retryAfter("10.0.0.1", now: start.addingTimeInterval(60)) == nil)
        #expect(limiter.statistics.failures == ["token": 2, "login": 1] && limiter.statistics.lockouts == 1)
    }

    @Test func noLimitAtZeroAndNoAddressIsNeverHeld() {
        let off = Self.limiter(max: 0)
        for _ in 0..<50 { off.recordFailure("10.0.0.1", kind: "token") }
        #expect(off.retryAfter("10.0.0.1") == nil)
        let on = Self.limiter(max: 1)
        on.recordFailure(nil, kind: "token")
        #expect(on.retryAfter(nil) == nil)
    }
}
