import Foundation

/// What multipart bodies (uploaded forms, MJPEG streams) share: the boundary their Content-Type
/// names, and finding a byte sequence in a buffer.
public enum Multipart {
    /// The `boundary` parameter of a `multipart/<subtype>` Content-Type (quotes removed), or nil
    /// when the type is not multipart, is not `subtype` when one is given, or names no boundary.
    public static func boundary(inContentType contentType: String?, subtype: String? = nil) -> String? {
        guard let contentType else { return nil }
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let type = pieces.first?.lowercased(), type.hasPrefix("multipart/") else { return nil }
        if let subtype, type != "multipart/\(subtype)" { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// The index of the first `needle` in `bytes` at or after `start` (memchr for its first
    /// byte, then memcmp for the rest).
    public static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start >= 0 else { return nil }
        return bytes.withUnsafeBytes { haystack -> Int? in
            needle.withUnsafeBytes { needle -> Int? in
                guard let base = haystack.baseAddress else { return nil }
                var position = start
                while position + needle.count <= haystack.count {
                    guard let hit = memchr(base + position, Int32(first), haystack.count - position - needle.count + 1) else { return nil }
                    position = UnsafeRawPointer(hit) - base
                    if memcmp(base + position, needle.baseAddress!, needle.count) == 0 { return position }
                    position += 1
                }
                return nil
            }
        }
    }
}
