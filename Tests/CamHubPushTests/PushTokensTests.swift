import CamHubPush
import Testing

@Suite("Push tokens")
struct PushTokenTests {
    @Test func aTokenIsTheHexHMACOfTheDecimalID() {
        let tokens = PushTokens(secret: "key")
        // HMAC-SHA256("key", "7"), computed independently with Python's hmac module.
        #expect(tokens.token(for: 7) == "01235b0d2aa4a5daba7243a9228194c8eff913ac5e56e967301210270380bc42")
        #expect(tokens.matches(tokens.token(for: 7), for: 7))
        #expect(tokens.matches(tokens.token(for: 7).uppercased(), for: 7))
        #expect(!tokens.matches(tokens.token(for: 7), for: 8))
        #expect(!tokens.matches("zz", for: 7))
        #expect(!PushTokens(secret: "other").matches(tokens.token(for: 7), for: 7))
    }

    @Test func theOriginalServersTokensAreAcceptedWithItsSecret() {
        // SHA-256 of "7" then the secret, computed independently with Python's hashlib.
        #expect(PushTokens.legacyToken(for: 7, secret: "camera-token-secret") == "cc663f124d0f1ac16d5634ab27e4d09d2b6b6e93cc4c575316430baa461e3a9d")
        let tokens = PushTokens(secret: "key", legacySecret: "camera-token-secret")
        #expect(tokens.matches("cc663f124d0f1ac16d5634ab27e4d09d2b6b6e93cc4c575316430baa461e3a9d", for: 7))
        #expect(tokens.matches("cc663f124d0f1ac16d5634ab27e4d09d2b6b6e93cc4c575316430baa461e3a9d".uppercased(), for: 7))
        #expect(!tokens.matches("cc663f124d0f1ac16d5634ab27e4d09d2b6b6e93cc4c575316430baa461e3a9d", for: 8))
        #expect(tokens.matches(tokens.token(for: 7), for: 7))
        // Without the legacy secret, the original's tokens are refused.
        #expect(!PushTokens(secret: "key").matches("cc663f124d0f1ac16d5634ab27e4d09d2b6b6e93cc4c575316430baa461e3a9d", for: 7))
    }

    @Test func onlyCanonicalPositiveDecimalsArePushIDs() {
        #expect(PushTokens.pushID(of: "7") == 7)
        #expect(PushTokens.pushID(of: "4294967295") == UInt32.max)
        #expect(PushTokens.pushID(of: "4294967296") == nil)
        #expect(PushTokens.pushID(of: "0") == nil)
        #expect(PushTokens.pushID(of: "07") == nil)
        #expect(PushTokens.pushID(of: "door") == nil)
    }
}

@Suite("Push token generations")
struct PushTokenGenerationTests {
    @Test func aGenerationMakesAnotherTokenAndOnlyItsOwnMatches() {
        let tokens = PushTokens(secret: "a-secret-of-some-length", legacySecret: "legacy")
        let first = PushTokens.newGeneration()
        let second = PushTokens.newGeneration()
        #expect(first != second)
        let token = tokens.token(for: 7, generation: first)
        #expect(tokens.matches(token, for: 7, generation: first))
        #expect(!tokens.matches(token, for: 7, generation: second) && !tokens.matches(token, for: 7))
        #expect(!tokens.matches(tokens.token(for: 7), for: 7, generation: first), "the id's old token is not this generation's")
        // The original server's token (cameras in the field) works while its secret is configured.
        #expect(tokens.matches(PushTokens.legacyToken(for: 7, secret: "legacy"), for: 7, generation: first))
        #expect(!PushTokens(secret: "a-secret-of-some-length").matches(PushTokens.legacyToken(for: 7, secret: "legacy"), for: 7, generation: first))
    }
}
