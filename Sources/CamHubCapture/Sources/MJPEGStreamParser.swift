import CamHubCore
import Foundation

/// Splits a `multipart/x-mixed-replace` body (an MJPEG stream from an IP camera or another hub)
/// into its JPEGs, whatever the network's chunking.
///
/// A part with `Content-Length` is read by length; one without is read up to the next boundary.
/// The JPEG bytes are passed on exactly as they came. A part over `maxFrameBytes`, or headers over
/// `maxHeaderBytes`, is a failure: the stream is not what it claims.
public struct MJPEGStreamParser: Sendable {
    public enum Failure: Error, Sendable, Equatable {
        case partTooLarge(limit: Int)
        case headersTooLarge
    }

    public static let maxHeaderBytes = 8 * 1024

    public let boundary: [UInt8]
    public let maxFrameBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0

    /// `boundary` as the Content-Type names it (with or without the leading `--`).
    public init(boundary: String, maxFrameBytes: Int) {
        let name = boundary.hasPrefix("--") ? String(boundary.dropFirst(2)) : boundary
        self.boundary = Array("--\(name)".utf8)
        self.maxFrameBytes = maxFrameBytes
    }

    /// The boundary in a `Content-Type` header, or nil when it is not a multipart type.
    public static func boundary(inContentType contentType: String) -> String? {
        Multipart.boundary(inContentType: contentType)
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete JPEG, nil when more bytes are needed.
    public mutating func next() throws(Failure) -> [UInt8]? {
        try nextPart()?.jpeg
    }

    /// The next complete part, its headers (as text) beside its JPEG; nil when more bytes are needed.
    public mutating func nextPart() throws(Failure) -> (headers: String, jpeg: [UInt8])? {
        guard let boundaryAt = find(boundary, from: start) else {
            try checkBuffered()
            return nil
        }
        guard let headersEnd = find(Array("\r\n\r\n".utf8), from: boundaryAt + boundary.count) else {
            if buffer.count - boundaryAt > Self.maxHeaderBytes { throw .headersTooLarge }
            return nil
        }
        let headers = String(decoding: buffer[(boundaryAt + boundary.count)..<headersEnd], as: UTF8.self)
        let bodyStart = headersEnd + 4
        let length = Self.contentLength(in: headers)
        if let length, length > maxFrameBytes { throw .partTooLarge(limit: maxFrameBytes) }
        let bodyEnd: Int
        if let length {
            guard buffer.count >= bodyStart + length else { return nil }
            bodyEnd = bodyStart + length
        } else {
            guard let nextBoundary = find(boundary, from: bodyStart) else {
                if buffer.count - bodyStart > maxFrameBytes { throw .partTooLarge(limit: maxFrameBytes) }
                return nil
            }
            // The part ends with CRLF before the next boundary.
            bodyEnd = nextBoundary >= bodyStart + 2 && buffer[nextBoundary - 2] == 13 && buffer[nextBoundary - 1] == 10 ? nextBoundary - 2 : nextBoundary
        }
        let part = Array(buffer[bodyStart..<bodyEnd])
        start = bodyEnd
        compact()
        return (headers, part)
    }

    /// A header's value in a part's headers, by its name in any case, without surrounding spaces.
    public static func header(_ name: String, in headers: String) -> String? {
        // "\r\n" is one Character in Swift, and a newline.
        for line in headers.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// A part's `Content-Length`; nil when it has none, or one that is not a length (`-5`): the
    /// part then ends at the next boundary.
    static func contentLength(in headers: String) -> Int? {
        header("content-length", in: headers).flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
    }

    private func checkBuffered() throws(Failure) {
        if buffer.count - start > maxFrameBytes + Self.maxHeaderBytes { throw .partTooLarge(limit: maxFrameBytes) }
    }

    /// Drops consumed bytes once they are most of the buffer.
    private mutating func compact() {
        if start > 64 * 1024, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }

    private func find(_ needle: [UInt8], from index: Int) -> Int? {
        Multipart.find(needle, in: buffer, from: index)
    }
}
