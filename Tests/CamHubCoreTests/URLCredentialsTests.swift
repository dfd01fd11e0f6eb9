import CamHubCore
import Testing

@Suite("URL credentials: found and hidden even where URL(string:) gives up")
struct URLCredentialsTests {
    @Test(arguments: [
        ("rtsp://admin:s3cret@10.0.0.5/stream", "rtsp://admin:***@10.0.0.5/stream"),
        ("ffmpeg:rtsp://admin:we#ird@10.0.0.5/s", "ffmpeg:rtsp://admin:***@10.0.0.5/s"),
        ("rtsp://admin:p@ss/w%rd @x@10.0.0.5:554/s?x=1", "rtsp://admin:***@10.0.0.5:554/s?x=1"),
        ("http://token@cam.local/video", "http://***@cam.local/video"),
        ("http://u:p@[fe80::1]:8080/v", "http://u:***@[fe80::1]:8080/v"),
        ("rtsp://10.0.0.5/stream", "rtsp://10.0.0.5/stream"),
        ("/videos/gate.mp4", "/videos/gate.mp4"),
        ("testpattern", "testpattern"),
    ])
    func redaction(source: String, shown: String) {
        #expect(URLCredentials.redact(source) == shown)
    }

    @Test func theUserInfoIsEverythingUpToTheLastAtBeforeTheHost() throws {
        let url = try #require(URLCredentials("rtsp://admin:we#ird@x/y@10.0.0.5/s"))
        #expect(url.userInfo == "admin:we#ird@x/y")
        #expect(url.username == "admin")
        #expect(url.password == "we#ird@x/y")
        #expect(url.hostAndPort == "10.0.0.5")
        #expect(url.withoutUserInfo == "rtsp://10.0.0.5/s")
    }

    @Test func escapesAreDecodedForUseAndAddedForFFmpeg() throws {
        let raw = try #require(URLCredentials("http://admin:we#i%rd/x@10.0.0.5/v"))
        #expect(raw.password == "we#i%rd/x")
        #expect(raw.percentEncoded == "http://admin:we%23i%25rd%2Fx@10.0.0.5/v")
        // Escapes the user already wrote are kept as they are, and mean what they say.
        let escaped = try #require(URLCredentials("http://admin:s%40cret@10.0.0.5/v"))
        #expect(escaped.password == "s@cret")
        #expect(escaped.percentEncoded == "http://admin:s%40cret@10.0.0.5/v")
        // Only the first colon separates the user from the password.
        #expect(URLCredentials("rtsp://u:a:b@h/s")?.percentEncoded == "rtsp://u:a%3Ab@h/s")
    }

    @Test func aURLWithoutHostHasNone() {
        #expect(URLCredentials("rtsp://")?.hostAndPort == "")
        #expect(URLCredentials("no scheme here") == nil)
        #expect(SourceKind("rtsp://admin:we#ird@10.0.0.5/s") == .ffmpeg(input: "rtsp://admin:we#ird@10.0.0.5/s"))
        #expect(SourceKind("rtsp://") == nil)
    }
}
