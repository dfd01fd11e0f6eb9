import CamHubCore
import CamHubStorage
import Foundation
import Testing

@Suite("Web session repository contract")
struct WebSessionRepositoryContractTests {
    @Test(arguments: Backend.available)
    func aSessionIsValidUntilItEndsOrExpires(backend: Backend) async throws {
        try await backend.withStores { stores in
            let sessions = stores.webSessions
            // Whole seconds: every backend keeps at least that much of the time.
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let expires = now.addingTimeInterval(3600)
            try await sessions.create(hash: "a", expiresAt: expires)
            try await sessions.create(hash: "b", expiresAt: now.addingTimeInterval(60))
            #expect(try await sessions.expiry(ofHash: "a", now: now) == expires)
            #expect(try await sessions.expiry(ofHash: "unknown", now: now) == nil)
            // Expired is as good as gone, and a purge forgets it.
            #expect(try await sessions.expiry(ofHash: "b", now: now.addingTimeInterval(61)) == nil)
            try await sessions.purge(expiredBefore: now.addingTimeInterval(61))
            #expect(try await sessions.expiry(ofHash: "b", now: now) == nil)
            #expect(try await sessions.expiry(ofHash: "a", now: now) == expires)
            try await sessions.end(hash: "a")
            #expect(try await sessions.expiry(ofHash: "a", now: now) == nil)
            try await sessions.end(hash: "a")
        }
    }
}
