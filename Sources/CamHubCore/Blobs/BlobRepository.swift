public import Foundation
import Synchronization

/// Where images that came with records are kept (plate crops, annotated frames), by name. Names
/// are content hashes, so a name is written once and never changes. Every backend passes the same
/// contract tests.
public protocol BlobRepository: Sendable {
    /// Stores `bytes` under `name`; storing a name that exists changes nothing.
    func put(_ name: String, _ bytes: Data) async throws
    /// The bytes stored under `name`, nil when there are none.
    func get(_ name: String) async throws -> Data?
    /// Removes the blobs named (event pictures past their retention); names that are not there are skipped.
    func remove(_ names: [String]) async throws
}

/// Blobs held in memory, for tests and for running without a database.
public final class MemoryBlobRepository: BlobRepository {
    private let blobs = Mutex<[String: Data]>([:])

    public init() {}

    public func put(_ name: String, _ bytes: Data) {
        blobs.withLock { blobs in
            if blobs[name] == nil { blobs[name] = bytes }
        }
    }

    public func get(_ name: String) -> Data? {
        blobs.withLock { $0[name] }
    }

    public func remove(_ names: [String]) {
        blobs.withLock { blobs in
            for name in names { blobs[name] = nil }
        }
    }
}
