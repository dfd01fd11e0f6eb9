public import Foundation

/// Files only camhub's user may read (keys, tokens, the config, images of records): created with
/// mode 0600 before any byte is written, so no other user can read them, not even for a moment.
///
/// Failures are thrown as `POSIXError` with the call's `errno`, so a full disk is recognised
/// (`OutOfSpace`) and answered as such.
public enum PrivateFile {
    /// Writes `data` in place.
    /// A secret kept as one line of text (a token, a secret): its text without surrounding
    /// whitespace; nil when the file is missing, not UTF-8 or empty.
    public static func readLine(at url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        else { return nil }
        return text
    }

    public static func write(_ data: Data, to url: URL) throws {
        try createDirectory(for: url)
        try write(data, path: url.path, flags: O_TRUNC)
    }

    /// Writes `data` to a temporary file beside `url`, then renames it into place, so a reader
    /// (or a crash) sees the old file or the new one, never half of one. A failed write leaves
    /// nothing behind.
    public static func writeAtomically(_ data: Data, to url: URL) throws {
        try createDirectory(for: url)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        do {
            try write(data, path: temporary, flags: O_EXCL)
            guard rename(temporary, url.path) == 0 else { throw POSIXError.current }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Creates a folder (and its parents) that only camhub's user may enter.
    public static func createDirectory(at url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    private static func createDirectory(for url: URL) throws {
        try createDirectory(at: url.deletingLastPathComponent())
    }

    private static func write(_ data: Data, path: String, flags: Int32) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0o600)
        guard descriptor >= 0 else { throw POSIXError.current }
        defer { close(descriptor) }
        // An existing file keeps its old mode through O_CREAT; make sure it is private now.
        _ = fchmod(descriptor, 0o600)
        try data.withUnsafeBytes { try writeAll($0, to: descriptor) }
    }

    /// Writes every byte to `descriptor`, going on after interruptions; the `POSIXError` of a
    /// failure (a full disk is `ENOSPC`).
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw POSIXError.current
            }
            offset += written
        }
    }
}

extension POSIXError {
    /// The error `errno` names now.
    static var current: POSIXError {
        POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}
