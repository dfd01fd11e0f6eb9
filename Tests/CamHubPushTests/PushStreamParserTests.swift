@testable import CamHubPush
import NIOCore
import Testing

@Suite("Seed 003 push protocol parser")
struct PushStreamParserTests {
    static func le(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }

    /// What the original client sends: the id, the token, then length-prefixed frames.
    static func stream(id: UInt32, token: String, frames: [[UInt8]]) -> [UInt8] {
        var bytes = le(id) + le(UInt32(token.utf8.count)) + Array(token.utf8)
        for frame in frames { bytes += le(UInt32(frame.count)) + frame }
        return bytes
    }

    /// Feeds `chunks` one by one and collects every event, stopping at the first failure.
    static func parse(_ chunks: [[UInt8]], maxFrameBytes: Int = 1000) -> (events: [PushStreamParser.Event], failure: PushStreamParser.Failure?) {
        var parser = PushStreamParser(maxFrameBytes: maxFrameBytes)
        var events: [PushStreamParser.Event] = []
        for chunk in chunks {
            parser.append(ByteBuffer(bytes: chunk))
            do {
                while let event = try parser.next() { events.append(event) }
            } catch {
                return (events, error)
            }
        }
        return (events, nil)
    }

    let frames: [[UInt8]] = [[0xFF, 0xD8, 1, 0xFF, 0xD9], [], Array(repeating: 0xAB, count: 700)]
    var expected: [PushStreamParser.Event] {
        [.cameraID(42), .token("sécret")] + frames.map { .frame($0) }
    }

    @Test func onePiecePerMessageAsTheOriginalClientSendsIt() {
        let pieces = [Self.le(42), Self.le(7) + Array("sécret".utf8)] + frames.map { Self.le(UInt32($0.count)) + $0 }
        let result = Self.parse(pieces)
        #expect(result.failure == nil)
        #expect(result.events == expected)
    }

    @Test func everythingInOneMessage() {
        let result = Self.parse([Self.stream(id: 42, token: "sécret", frames: frames)])
        #expect(result.events == expected)
    }

    @Test func oneByteAtATime() {
        let bytes = Self.stream(id: 42, token: "sécret", frames: frames)
        let result = Self.parse(bytes.map { [$0] })
        #expect(result.events == expected)
    }

    @Test func everySplitPointGivesTheSameEvents() {
        let bytes = Self.stream(id: 42, token: "sécret", frames: frames)
        for cut in 0...bytes.count {
            let result = Self.parse([Array(bytes[..<cut]), Array(bytes[cut...])])
            #expect(result.events == expected, "split at \(cut)")
        }
    }

    @Test func littleEndianIDs() {
        let result = Self.parse([[0x01, 0x02, 0x03, 0x04]])
        #expect(result.events == [.cameraID(0x0403_0201)])
    }

    @Test func aTokenOverOneKilobyteFailsBeforeAnythingIsBuffered() {
        var parser = PushStreamParser(maxFrameBytes: 1000)
        parser.append(ByteBuffer(bytes: Self.le(1) + Self.le(1025)))
        #expect(throws: Never.self) { _ = try parser.next() }
        #expect(throws: PushStreamParser.Failure.tokenTooLong(length: 1025, limit: 1024)) { _ = try parser.next() }
        #expect(parser.bufferedByteCount == 0)
        // It stays failed.
        parser.append(ByteBuffer(bytes: [1, 2, 3, 4]))
        #expect(throws: PushStreamParser.Failure.tokenTooLong(length: 1025, limit: 1024)) { _ = try parser.next() }
    }

    @Test func aFrameOverTheLimitFails() {
        let result = Self.parse([Self.stream(id: 1, token: "t", frames: []) + Self.le(1001)])
        #expect(result.events == [.cameraID(1), .token("t")])
        #expect(result.failure == .frameTooLarge(length: 1001, limit: 1000))
    }

    @Test func aFrameExactlyAtTheLimitIsAccepted() {
        let frame = Array(repeating: UInt8(9), count: 1000)
        let result = Self.parse([Self.stream(id: 1, token: "t", frames: [frame])])
        #expect(result.events.last == .frame(frame))
    }

    @Test func aTokenThatIsNotUTF8Fails() {
        let result = Self.parse([Self.le(1) + Self.le(2) + [0xC3, 0x28]])
        #expect(result.failure == .tokenNotUTF8)
    }

    @Test func aTruncatedStreamWaitsAndReportsItIsMidPiece() throws {
        var parser = PushStreamParser(maxFrameBytes: 1000)
        let bytes = Self.stream(id: 5, token: "abc", frames: [[1, 2, 3, 4, 5]])
        parser.append(ByteBuffer(bytes: bytes.dropLast(2)))
        var events: [PushStreamParser.Event] = []
        while let event = try? parser.next() { events.append(event) }
        #expect(events == [.cameraID(5), .token("abc")])
        #expect(!parser.isAtPieceBoundary)
        parser.append(ByteBuffer(bytes: bytes.suffix(2)))
        try #expect(parser.next() == .frame([1, 2, 3, 4, 5]))
        #expect(parser.isAtPieceBoundary)
    }

    /// Random and truncated input: the parser never crashes, never holds more than one piece
    /// (at most the frame limit) plus the chunk it was given, and fails only with its own errors.
    @Test func fuzzRandomAndTruncatedInput() {
        var generator = SplitMix64(seed: 0xC0FFEE)
        let maxFrameBytes = 4096
        let maxChunk = 512
        for round in 0..<2000 {
            var parser = PushStreamParser(maxFrameBytes: maxFrameBytes)
            // Half the rounds start from a valid stream and then corrupt or cut it.
            var bytes: [UInt8]
            if round % 2 == 0 {
                let frames = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                    (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                }
                bytes = Self.stream(id: UInt32.random(in: 0...UInt32.max, using: &generator), token: "token", frames: frames)
                for _ in 0..<Int.random(in: 0...3, using: &generator) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            } else {
                bytes = (0..<Int.random(in: 0...3000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            var offset = 0
            var failed = false
            while offset < bytes.count, !failed {
                let size = Int.random(in: 1...maxChunk, using: &generator)
                let chunk = Array(bytes[offset..<min(bytes.count, offset + size)])
                offset += chunk.count
                parser.append(ByteBuffer(bytes: chunk))
                do {
                    while let event = try parser.next() {
                        if case .frame(let frame) = event { #expect(frame.count <= maxFrameBytes) }
                        if case .token(let token) = event { #expect(token.utf8.count <= PushStreamParser.defaultMaxTokenBytes) }
                    }
                } catch {
                    failed = true
                }
                #expect(parser.bufferedByteCount <= maxFrameBytes + maxChunk, "round \(round)")
            }
        }
    }
}

/// A small deterministic generator, so a fuzz failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
