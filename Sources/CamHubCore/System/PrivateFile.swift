public import Foundation

/// Files only camhub's user may read (keys, tokens, the config, images of records): created with
/// mode 0600 before any byte is written, so no other user can read them, not even for a moment.
///
/// Failures are thrown as `POSIXError` with the call's `errno`, so a full disk is recognised
/// (`OutOfSpace`) and answered as such.
public enum PrivateFile {
    /// A secret kept as one line of text (a token, a secret): its text without surrounding
    /// whitespace; nil when the file is missing, not UTF-8 or empty.
    public static func readLine(at url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        else { return nil }
        return text
    }

    /// Writes `data` to a temporary file beside `url` (`.<name>.<uuid>.camhub-tmp`), flushes it
    /// to the disk, then renames it into place, so a reader (or a crash, or a power cut) sees the
    /// old file or the new one, never half of one. A failed write leaves nothing behind; a crash
    /// in the middle leaves the temporary file, which `removeTemporaries(in:)` clears at the next
    /// start.
    public static func writeAtomically(_ data: Data, to url: URL) throws {
        try createDirectory(for: url)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)\(temporarySuffix)").path
        do {
            try write(data, path: temporary, flags: O_EXCL)
            guard rename(temporary, url.path) == 0 else { throw POSIXError.current }
        } catch {
            unlink(temporary)
            throw error
        }
        // The rename itself reaches the disk with the folder's own flush.
        let folder = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    static let temporarySuffix = ".camhub-tmp"

    /// Removes what writes cut short by a crash left in `folder`: camhub's temporary files, and
    /// those of Foundation's atomic writes (`.dat.nosync<pid>.<random>`) that camhub used before.
    /// Returns their names.
    @discardableResult
    public static func removeTemporaries(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let stale = names.filter { name in
            name.hasPrefix(".") && (name.hasSuffix(temporarySuffix) || name.hasSuffix(".tmp") || name.hasPrefix(".dat.nosync"))
        }
        for name in stale { unlink(folder.appendingPathComponent(name).path) }
        return stale
    }

    /// Removes the temporary files a crash left beside one file (in a folder that is not camhub's
    /// own, such as the agent's state file's): only `.<name>.*.camhub-tmp`.
    @discardableResult
    public static func removeTemporaries(of file: URL) -> [String] {
        let folder = file.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let stale = names.filter { $0.hasPrefix(".\(file.lastPathComponent).") && $0.hasSuffix(temporarySuffix) }
        for name in stale { unlink(folder.appendingPathComponent(name).path) }
        return stale
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
        guard fsync(descriptor) == 0 else { throw POSIXError.current }
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
