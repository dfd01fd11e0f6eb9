import CamHubCore
@testable import CamHubLPR
import Foundation
import Testing

@Suite("LPR blobs: images kept once by content hash")
struct BlobStoreTests {
    let repository = MemoryBlobRepository()
    var store: BlobStore { BlobStore(repository: repository) }
    /// The smallest JPEG `JPEGHeader` accepts: SOI, a frame header, EOI.
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9]

    @Test func theSameImageIsStoredOnceUnderItsHash() async throws {
        let base64 = Data(Self.jpeg).base64EncodedString()
        let name = try #require(try await store.store(base64: base64))
        #expect(BlobStore.isValidName(name) && name.hasSuffix(".jpg"))
        #expect(try await store.store(base64: "data:image/jpeg;base64," + base64) == name)
        #expect(try await store.read(name) == Data(Self.jpeg))
    }

    @Test func whatIsNotAnImageIsAbsent() async throws {
        #expect(try await store.store(base64: "not base64 !") == nil)
        #expect(try await store.store(base64: Data("plain text".utf8).base64EncodedString()) == nil)
        #expect(try await store.read("../camhub.sqlite") == nil)
        #expect(!BlobStore.isValidName("ABC.jpg"))
    }
}
