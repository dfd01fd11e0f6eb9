import CamHubCore
import CamHubStorage
import Foundation
import Testing

@Suite("Blob repository contract")
struct BlobRepositoryContractTests {
    static let name = String(repeating: "ab", count: 32) + ".jpg"

    @Test(arguments: Backend.available)
    func blobsReadBackByteForByteAndAreWrittenOnce(backend: Backend) async throws {
        try await backend.withStores { stores in
            let bytes = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            #expect(try await stores.blobs.get(Self.name) == nil)
            try await stores.blobs.put(Self.name, bytes)
            try await stores.blobs.put(Self.name, Data("other".utf8))
            #expect(try await stores.blobs.get(Self.name) == bytes)
        }
    }

    @Test(arguments: Backend.available)
    func removedBlobsAreGoneAndOthersStay(backend: Backend) async throws {
        try await backend.withStores { stores in
            try await stores.blobs.put("motion-a-1.jpg", Data([1]))
            try await stores.blobs.put("motion-b-1.jpg", Data([2]))
            try await stores.blobs.remove(["motion-a-1.jpg", "never-stored.jpg"])
            #expect(try await stores.blobs.get("motion-a-1.jpg") == nil)
            #expect(try await stores.blobs.get("motion-b-1.jpg") == Data([2]))
            try await stores.blobs.remove([])
        }
    }

    @Test func fileBlobsArePrivate() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let blobs = FileBlobRepository(directory: folder)
        try await blobs.put(Self.name, Data([1, 2, 3]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [Self.name])
        let mode = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(Self.name).path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }
}
