@testable import CamHubServer
import Testing

@Suite("HTTP request framing in the connection guard")
struct HTTPRequestFramingTests {
    typealias Framing = HTTPRequestFraming

    static func consume(_ framing: inout Framing, _ text: String) throws -> [Framing.Event] {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in try framing.consume(raw) }
    }

    /// Feeds `text` one byte at a time, as a trickling client would.
    static func trickle(_ framing: inout Framing, _ text: String) throws -> [Framing.Event] {
        var events: [Framing.Event] = []
        for character in text { events += try consume(&framing, String(character)) }
        return events
    }

    @Test func aRequestWithoutBodyIsOneHead() throws {
        var framing = Framing()
        let events = try Self.consume(&framing, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(events == [.headStarted(offset: 0), .headCompleted(target: "/health", body: false)])
        #expect(framing.phase == .idle)
    }

    @Test func aHeadSplitAnywhereGivesTheSameEvents() throws {
        var framing = Framing()
        let events = try Self.trickle(&framing, "POST /api/health HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n")
        #expect(events == [
            .headStarted(offset: 0), .headCompleted(target: "/api/health", body: true), .bodyCompleted,
            .headStarted(offset: 0), .headCompleted(target: "/", body: false),
        ])
    }

    @Test func pipelinedRequestsAreFollowedThroughTheirBodies() throws {
        var framing = Framing()
        let text = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\n"
        let events = try Self.consume(&framing, text)
        #expect(events == [
            .headStarted(offset: 0), .headCompleted(target: "/a", body: true), .bodyCompleted,
            .headStarted(offset: text.utf8.count - "GET /b HTTP/1.1\r\n".utf8.count),
        ])
        #expect(framing.phase == .head)
    }

    @Test func aChunkedBodyEndsAfterItsLastChunkAndTrailers() throws {
        var framing = Framing()
        var events = try Self.consume(&framing, "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n")
        #expect(framing.phase == .body)
        events += try Self.trickle(&framing, "0\r\nX-Trailer: 1\r\n\r\n")
        #expect(events.last == .bodyCompleted)
        #expect(framing.phase == .idle)
    }

    @Test func aWebSocketUpgradeIsNotFollowedAfterItsHead() throws {
        var framing = Framing()
        let events = try Self.consume(&framing, "GET /ws/live HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{85}garbage")
        #expect(events == [.headStarted(offset: 0), .headCompleted(target: "/ws/live", body: false), .upgraded])
        #expect(framing.phase == .passthrough)
    }

    @Test func aLongRequestLineIs414BeforeItEnds() {
        var framing = Framing()
        #expect(throws: Framing.Refusal.uriTooLong) {
            _ = try Self.consume(&framing, "GET /" + String(repeating: "a", count: 8 * 1024))
        }
    }

    @Test func aLargeHeadOrTooManyFieldsIs431() {
        var large = Framing()
        #expect(throws: Framing.Refusal.headTooLarge) {
            _ = try Self.consume(&large, "GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 33 * 1024))
        }
        var many = Framing()
        let fields = (0..<101).map { "X-\($0): 1\r\n" }.joined()
        #expect(throws: Framing.Refusal.headTooLarge) {
            _ = try Self.consume(&many, "GET / HTTP/1.1\r\n" + fields)
        }
        var hundred = Framing()
        #expect(throws: Never.self) {
            _ = try Self.consume(&hundred, "GET / HTTP/1.1\r\n" + (0..<100).map { "X-\($0): 1\r\n" }.joined() + "\r\n")
        }
    }

    @Test func aContentLengthThatIsNoNumberIsRefused() {
        var framing = Framing()
        #expect(throws: Framing.Refusal.self) {
            _ = try Self.consume(&framing, "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")
        }
        var twice = Framing()
        #expect(throws: Framing.Refusal.self) {
            _ = try Self.consume(&twice, "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
        }
    }

    @Test func blankLinesBetweenRequestsAreNotAHead() throws {
        var framing = Framing()
        #expect(try Self.consume(&framing, "\r\n\r\n").isEmpty)
        #expect(framing.phase == .idle)
    }

    @Test func theRawAnswerIsJSONWithItsLength() {
        let answer = ConnectionGuard.rawResponse(.serviceUnavailable, code: "too_many_connections", message: "busy", retryAfter: 1)
        let parts = answer.components(separatedBy: "\r\n\r\n")
        #expect(parts[0].hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(parts[0].contains("Connection: close") && parts[0].contains("Retry-After: 1"))
        #expect(parts[0].contains("Content-Length: \(parts[1].utf8.count)"))
        #expect(parts[1].contains("\"code\":\"too_many_connections\""))
    }
}
