public import CamHubCore
public import Foundation

/// Blobs as files in `<data-dir>/blobs`, beside the SQLite database: each written whole or not at
/// all (0600, temp file and rename), so a full disk never leaves half an image.
public struct FileBlobRepository: BlobRepository {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func put(_ name: String, _ bytes: Data) async throws {
        let url = directory.appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        try PrivateFile.writeAtomically(bytes, to: url)
    }

    public func get(_ name: String) async throws -> Data? {
        FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
    }

    public func remove(_ names: [String]) async throws {
        for name in names where !name.contains("/") { unlink(directory.appendingPathComponent(name).path) }
    }
}
