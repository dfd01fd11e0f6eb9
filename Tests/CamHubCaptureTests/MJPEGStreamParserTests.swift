@testable import CamHubCapture
import Testing

@Suite("MJPEG stream parser")
struct MJPEGStreamParserTests {
    static let jpegs: [[UInt8]] = [[0xFF, 0xD8, 1, 2, 3, 0xFF, 0xD9], [0xFF, 0xD8] + Array(repeating: 0x2D, count: 40) + [0xFF, 0xD9], [0xFF, 0xD8, 0xFF, 0xD9]]

    static func stream(withLength: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        for jpeg in jpegs {
            bytes += Array("--frame\r\nContent-Type: image/jpeg\r\n".utf8)
            if withLength { bytes += Array("Content-Length: \(jpeg.count)\r\n".utf8) }
            bytes += Array("\r\n".utf8) + jpeg + Array("\r\n".utf8)
        }
        return bytes + Array("--frame\r\n".utf8)
    }

    static func parse(_ bytes: [UInt8], chunk: Int) throws -> [[UInt8]] {
        var parser = MJPEGStreamParser(boundary: "frame", maxFrameBytes: 1000)
        var parts: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            parser.append(bytes[offset..<min(bytes.count, offset + chunk)])
            offset += chunk
            while let part = try parser.next() { parts.append(part) }
        }
        return parts
    }

    @Test(arguments: [1, 3, 7, 64, 4096])
    func partsWithContentLengthArriveExactly(chunk: Int) throws {
        #expect(try Self.parse(Self.stream(withLength: true), chunk: chunk) == Self.jpegs)
    }

    @Test(arguments: [1, 5, 4096])
    func partsWithoutContentLengthAreCutAtTheBoundary(chunk: Int) throws {
        #expect(try Self.parse(Self.stream(withLength: false), chunk: chunk) == Self.jpegs)
    }

    @Test func theContentLengthIsReadFromCRLFHeaders() {
        #expect(MJPEGStreamParser.contentLength(in: "\r\nContent-Type: image/jpeg\r\nContent-Length: 1234") == 1234)
        #expect(MJPEGStreamParser.contentLength(in: "\r\ncontent-length:  7 ") == 7)
        #expect(MJPEGStreamParser.contentLength(in: "\r\nContent-Type: image/jpeg") == nil)
    }

    @Test func theBoundaryComesFromTheContentType() {
        #expect(MJPEGStreamParser.boundary(inContentType: "multipart/x-mixed-replace; boundary=frame") == "frame")
        #expect(MJPEGStreamParser.boundary(inContentType: #"multipart/x-mixed-replace;boundary="--myboundary""#) == "--myboundary")
        #expect(MJPEGStreamParser.boundary(inContentType: "image/jpeg") == nil)
        var parser = MJPEGStreamParser(boundary: "--myboundary", maxFrameBytes: 100)
        parser.append(Array("--myboundary\r\nContent-Length: 4\r\n\r\n\u{FF}\u{D8}\u{FF}\u{D9}\r\n".utf8))
        #expect(throws: Never.self) { _ = try parser.next() }
    }

    @Test func anOversizedPartFails() {
        var parser = MJPEGStreamParser(boundary: "frame", maxFrameBytes: 10)
        parser.append(Array("--frame\r\nContent-Length: 11\r\n\r\n".utf8))
        #expect(throws: MJPEGStreamParser.Failure.partTooLarge(limit: 10)) { _ = try parser.next() }
        var unbounded = MJPEGStreamParser(boundary: "frame", maxFrameBytes: 10)
        unbounded.append(Array("--frame\r\n\r\n".utf8) + Array(repeating: 1, count: 20))
        #expect(throws: MJPEGStreamParser.Failure.partTooLarge(limit: 10)) { _ = try unbounded.next() }
    }
}
