import CamHubCapture
import CamHubCore
import CamHubPush
@testable import CamHubServer
import CamHubSocketIO
import Foundation
import NIOCore
import Testing

/// Every byte parser fed mutated inputs for a time budget (see `Fuzzer`): none may crash, hang,
/// or hold more memory than its limits allow; refusing an input is what it should do.
@Suite("Fuzzing the byte parsers")
struct ParserFuzzTests {
    @Test func theSeed003PushFraming() async throws {
        var fuzzer = try Fuzzer("push")
        let maxFrame = 64 * 1024
        await fuzzer.run { input, random in
            var parser = PushStreamParser(maxFrameBytes: maxFrame)
            for chunk in random.chunks(input) {
                parser.append(ByteBuffer(bytes: chunk))
                while let event = try parser.next() {
                    if case .frame(let frame) = event { #expect(frame.count <= maxFrame) }
                }
                #expect(parser.bufferedByteCount <= maxFrame + chunk.count + PushStreamParser.defaultMaxTokenBytes + 8)
            }
        }
    }

    @Test func theEngineIOAndSocketIODecoders() async throws {
        var engine = try Fuzzer("engineio")
        await engine.run { input, _ in
            for packet in try EngineIOPayload.decode(String(decoding: input, as: UTF8.self)) {
                _ = try? SocketIOPacket(decoding: packet.data)
            }
        }
        var socket = try Fuzzer("socketio")
        await socket.run { input, _ in
            let packet = try SocketIOPacket(decoding: String(decoding: input, as: UTF8.self))
            if let payload = packet.payload { _ = try? JSONSerialization.jsonObject(with: Data(payload.utf8), options: [.fragmentsAllowed]) }
        }
    }

    @Test func theMultipartParser() async throws {
        var fuzzer = try Fuzzer("multipart")
        await fuzzer.run { input, _ in
            // The first line is the boundary, as the corpus keeps it.
            let split = input.firstIndex(of: 0x0A) ?? input.count
            let boundary = String(decoding: input[..<split], as: UTF8.self)
            let form = try MultipartForm(parsing: ByteBuffer(bytes: input[min(input.count, split + 1)...]), boundary: boundary)
            _ = form
        }
    }

    @Test func theMJPEGStreamSplitter() async throws {
        var fuzzer = try Fuzzer("mjpeg")
        let maxFrame = 64 * 1024
        await fuzzer.run { input, random in
            var parser = MJPEGStreamParser(boundary: "frame", maxFrameBytes: maxFrame)
            for chunk in random.chunks(input) {
                parser.append(chunk)
                while let part = try parser.nextPart() {
                    #expect(part.jpeg.count <= maxFrame)
                }
            }
        }
    }

    @Test func theConnectionGuardsRequestFraming() async throws {
        var fuzzer = try Fuzzer("http")
        await fuzzer.run { input, random in
            var framing = HTTPRequestFraming()
            for chunk in random.chunks(input) where framing.phase != .passthrough {
                let events = try chunk.withUnsafeBytes { bytes in try framing.consume(bytes) }
                for case .headStarted(let offset) in events { #expect((0..<chunk.count).contains(offset)) }
            }
        }
    }

    @Test func theJSONBodyValidator() async throws {
        var fuzzer = try Fuzzer("json")
        await fuzzer.run { input, _ in
            let body = try JSONObject(parsing: Data(input))
            _ = body.string("camera_id", required: true, length: 1...128)
            _ = body.choice("type", in: ["detection_result", "health_status"])
            _ = body.integer("plates_count", range: 0...10_000)
            _ = body.number("processing_time_ms")
            _ = body.size("resolution", range: 16...7680)
            _ = body.strings("ocr_results", maxCount: 100, maxLength: 64)
            _ = body.strings("capabilities", maxCount: 16, maxLength: 32)
            _ = body.objects("plate_detections", maxCount: 1000)
            _ = body.stringMap("metadata", maxCount: 64)
            _ = body.object("details")
            try body.check()
        }
    }

    @Test func theJPEGHeaderReader() async throws {
        var fuzzer = try Fuzzer("jpeg")
        await fuzzer.run { input, _ in
            if let header = JPEGHeader(input) {
                #expect(header.width > 0 && header.height > 0)
            }
        }
    }
}

/// Inputs the fuzzer found that crashed a parser, each a regression test of its own (they are in
/// the corpus too).
@Suite("Fuzzing's findings")
struct FuzzFindingTests {
    /// A part whose headers end with one CRLF right before the next delimiter: the blank line's
    /// search found the CRLF shared with the delimiter, and slicing the body trapped (2026-12-07:
    /// a POST to `/update-image` could stop the hub).
    @Test func aBlankLineOverlappingTheNextDelimiterIsMalformedNotACrash() throws {
        let body = ByteBuffer(string: "--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--X--")
        #expect(throws: APIError.self) { try MultipartForm(parsing: body, boundary: "X") }
        let empty = ByteBuffer(string: "--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n--X--")
        let form = try MultipartForm(parsing: empty, boundary: "X")
        #expect(form.parts.first?.body.isEmpty == true)
    }

    /// A part announcing a negative `Content-Length` made the MJPEG splitter slice backwards and
    /// trap (2026-12-07: an HTTP MJPEG camera could stop the hub). It now ends at the next boundary.
    @Test func aNegativeContentLengthIsNoLength() throws {
        var parser = MJPEGStreamParser(boundary: "frame", maxFrameBytes: 1024)
        parser.append(Array("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: -7\r\n\r\n".utf8) + [0xFF, 0xD8, 1, 0xFF, 0xD9] + Array("\r\n--frame\r\n".utf8))
        #expect(try parser.next() == [0xFF, 0xD8, 1, 0xFF, 0xD9])
    }
}
