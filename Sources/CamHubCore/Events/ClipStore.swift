public import Foundation

/// The folder holding this hub's clips (`<data-dir>/clips`), one `ClipFile` per event, named
/// after it. Only names the hub made are ever opened (`isClipName`), so a name from a request can
/// never reach outside the folder.
public struct ClipStore: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The clip's name for an event.
    public static func name(of eventID: String) -> String { "\(eventID).clip" }

    /// The event a clip's name is for.
    public static func eventID(of name: String) -> String { String(name.dropLast(".clip".count)) }

    /// Letters, digits and dashes, then `.clip`.
    public static func isClipName(_ name: String) -> Bool {
        guard name.hasSuffix(".clip") else { return false }
        let stem = name.dropLast(5)
        return !stem.isEmpty && stem.utf8.allSatisfy { $0 == UInt8(ascii: "-") || (48...57).contains($0) || (97...122).contains($0) || (65...90).contains($0) }
    }

    private func url(_ name: String) -> URL? {
        Self.isClipName(name) ? directory.appendingPathComponent(name) : nil
    }

    /// Starts a clip: a new file (0600) holding the magic. Fails if it exists.
    public func create(_ name: String) throws -> ClipOutput {
        guard let url = url(name) else { throw CamHubError.badRequest("'\(name)' is not a clip's name") }
        try PrivateFile.createDirectory(at: directory)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError.current }
        let output = ClipOutput(descriptor: descriptor)
        do {
            try output.write(ClipFile.magic)
        } catch {
            output.close()
            unlink(url.path)
            throw error
        }
        return output
    }

    /// The frames of a clip, as far as it was written; nil when there is no such clip.
    public func frames(of name: String) -> [ClipFile.Frame]? {
        contents(of: name).flatMap(ClipFile.decode)
    }

    /// A clip's file as it is on disk; nil when there is no such clip.
    public func contents(of name: String) -> Data? {
        url(name).flatMap { FileManager.default.contents(atPath: $0.path) }
    }

    public func remove(_ name: String) {
        if let url = url(name) { unlink(url.path) }
    }

    /// A clip on disk: its name, size and when it was last written.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var bytes: Int64
        public var modified: Date
    }

    /// Every clip on disk, oldest first.
    public func entries() -> [Entry] {
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey]
        let urls = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: keys)) ?? []
        return urls.compactMap { url -> Entry? in
            guard Self.isClipName(url.lastPathComponent), let values = try? url.resourceValues(forKeys: Set(keys)) else { return nil }
            return Entry(name: url.lastPathComponent, bytes: Int64(values.fileSize ?? 0), modified: values.contentModificationDate ?? .distantPast)
        }.sorted { ($0.modified, $0.name) < ($1.modified, $1.name) }
    }
}

/// A clip being written: frames are appended as they come. Used by one task at a time.
public final class ClipOutput {
    private var descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close() }

    public func append(_ frame: ClipFile.Frame) throws {
        try write(ClipFile.encode(frame))
    }

    /// Writes every byte or throws the `POSIXError` (a full disk is `ENOSPC`). A frame cut short
    /// by a failure is ignored when the clip is read.
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try PrivateFile.writeAll($0, to: descriptor) }
    }

    public func close() {
        guard descriptor >= 0 else { return }
        Foundation.close(descriptor)
        descriptor = -1
    }
}
