import CamHubCore
@testable import CamHubLPR
import Foundation
import Testing

@Suite("LPR blobs: images kept once by content hash, privately")
struct BlobStoreTests {
    let store = BlobStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent("camhub-blobs-\(UUID().uuidString)"))
    /// The smallest JPEG `JPEGHeader` accepts: SOI, a frame header, EOI.
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9]

    @Test func theSameImageIsStoredOnceUnderItsHash() throws {
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let base64 = Data(Self.jpeg).base64EncodedString()
        let name = try #require(try store.store(base64: base64))
        #expect(BlobStore.isValidName(name) && name.hasSuffix(".jpg"))
        #expect(try store.store(base64: "data:image/jpeg;base64," + base64) == name)
        #expect(store.read(name) == Data(Self.jpeg))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path) == [name])
        let mode = try FileManager.default.attributesOfItem(atPath: store.directory.appendingPathComponent(name).path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func whatIsNotAnImageIsAbsent() throws {
        #expect(try store.store(base64: "not base64 !") == nil)
        #expect(try store.store(base64: Data("plain text".utf8).base64EncodedString()) == nil)
        #expect(store.read("../camhub.sqlite") == nil)
        #expect(!BlobStore.isValidName("ABC.jpg"))
    }
}
