import CamHubCore
import Foundation
import NIOCore

/// A `multipart/form-data` body (RFC 7578), split into its named parts.
struct MultipartForm {
    struct Part {
        let name: String
        let filename: String?
        let contentType: String?
        let body: ArraySlice<UInt8>

        var text: String? { String(validating: body, as: UTF8.self) }
    }

    let parts: [Part]

    func part(_ name: String) -> Part? {
        parts.first { $0.name == name }
    }

    /// The boundary named in a `Content-Type` header, or nil when it is not multipart/form-data.
    static func boundary(inContentType contentType: String?) -> String? {
        Multipart.boundary(inContentType: contentType, subtype: "form-data")
    }

    /// Splits `body` at `boundary`. Throws a 400 naming what is wrong when the body is not a
    /// well-formed multipart body.
    init(parsing body: ByteBuffer, boundary: String) throws {
        let bytes = Array(buffer: body)
        let delimiter = Array("--\(boundary)".utf8)
        let nextDelimiter = Array("\r\n--\(boundary)".utf8)
        guard var cursor = Self.find(delimiter, in: bytes, from: 0) else {
            throw Self.malformed("the boundary does not occur in the body")
        }
        var parts: [Part] = []
        while true {
            cursor += delimiter.count
            if bytes[cursor..<min(bytes.count, cursor + 2)].elementsEqual("--".utf8) { break }
            guard bytes[cursor..<min(bytes.count, cursor + 2)].elementsEqual("\r\n".utf8) else {
                throw Self.malformed("a boundary is not followed by CRLF")
            }
            let start = cursor + 2
            guard let end = Self.find(nextDelimiter, in: bytes, from: start) else {
                throw Self.malformed("the body ends before its closing boundary")
            }
            parts.append(try Self.part(bytes, start..<end))
            cursor = end + 2
        }
        self.parts = parts
    }

    private static func part(_ bytes: [UInt8], _ range: Range<Int>) throws -> Part {
        // The blank line must end before the next delimiter: its CRLF is not the delimiter's.
        guard let split = find(Array("\r\n\r\n".utf8), in: bytes, from: range.lowerBound), split + 4 <= range.upperBound else {
            throw malformed("a part has no blank line after its headers")
        }
        let head = String(decoding: bytes[range.lowerBound..<split], as: UTF8.self)
        var name: String?
        var filename: String?
        var contentType: String?
        for line in head.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if field == "content-type" { contentType = value }
            guard field == "content-disposition" else { continue }
            for parameter in value.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                let quoted = pair[1].count >= 2 && pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"")
                let unquoted = quoted ? String(pair[1].dropFirst().dropLast()) : pair[1]
                switch pair[0].lowercased() {
                case "name": name = unquoted
                case "filename": filename = unquoted
                default: break
                }
            }
        }
        guard let name else { throw malformed("a part has no Content-Disposition name") }
        return Part(name: name, filename: filename, contentType: contentType, body: bytes[(split + 4)..<range.upperBound])
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        Multipart.find(needle, in: bytes, from: start)
    }

    private static func malformed(_ reason: String) -> APIError {
        APIError(.badRequest, code: "bad_multipart", "body is not valid multipart/form-data: \(reason)")
    }
}
