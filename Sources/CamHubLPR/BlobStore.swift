public import CamHubCore
import Crypto
public import Foundation

/// Images that came with records (annotated frames, plate crops), named by the SHA-256 of their
/// bytes, so the same image is stored once, and kept in the hub's `BlobRepository`. Only JPEG and
/// PNG are kept; anything else, including invalid base64, counts as absent.
public struct BlobStore: Sendable {
    public let repository: any BlobRepository

    public init(repository: any BlobRepository) {
        self.repository = repository
    }

    /// The largest image kept, decoded.
    public static let maxBytes = 8 * 1024 * 1024

    /// Decodes `base64` (optionally a `data:image/...;base64,` URL), stores it, and returns its
    /// name (`<hash>.jpg` or `<hash>.png`); nil when it is not a valid image.
    public func store(base64 text: String) async throws -> String? {
        let payload = text.hasPrefix("data:") ? String(text.drop { $0 != "," }.dropFirst()) : text
        guard payload.utf8.count <= Self.maxBytes * 4 / 3 + 4,
            let bytes = Data(base64Encoded: payload, options: .ignoreUnknownCharacters), let kind = Self.kind(of: bytes)
        else { return nil }
        let name = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() + "." + kind
        try await repository.put(name, bytes)
        return name
    }

    /// The stored bytes of a blob name, nil for a name that is not ours or not there.
    public func read(_ name: String) async throws -> Data? {
        guard Self.isValidName(name) else { return nil }
        return try await repository.get(name)
    }

    public static func isValidName(_ name: String) -> Bool {
        let parts = name.split(separator: ".")
        return parts.count == 2 && ["jpg", "png"].contains(parts[1]) && parts[0].count == 64
            && parts[0].allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    static func kind(of bytes: Data) -> String? {
        if JPEGHeader(bytes) != nil { return "jpg" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        return nil
    }
}
