import CamHubCore
import Foundation
import Testing

@Suite("Out of space: recognised through every layer, files private")
struct OutOfSpaceTests {
    @Test func fullDiskErrorsAreRecognisedHoweverTheyAreWrapped() {
        #expect(OutOfSpace.matches(POSIXError(.ENOSPC)))
        #expect(OutOfSpace.matches(POSIXError(.EDQUOT)))
        #expect(OutOfSpace.matches(CocoaError(.fileWriteOutOfSpace)))
        #expect(OutOfSpace.matches(NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))))
        let wrapped = NSError(domain: NSCocoaErrorDomain, code: CocoaError.fileWriteUnknown.rawValue, userInfo: [NSUnderlyingErrorKey: POSIXError(.ENOSPC)])
        #expect(OutOfSpace.matches(wrapped))
        #expect(OutOfSpace.matches(CamHubError.insufficientStorage("full")))
        #expect(!OutOfSpace.matches(POSIXError(.EACCES)))
        #expect(!OutOfSpace.matches(CamHubError.notFound("x")))
        #expect((OutOfSpace.classify(POSIXError(.ENOSPC)) as? CamHubError)?.code == .insufficientStorage)
    }

    @Test func aPrivateFileOnAFullDiskThrowsOutOfSpaceAndLeavesNothingBehind() throws {
        // /dev/full accepts an open and refuses every write with ENOSPC.
        #expect(throws: POSIXError.self) { try PrivateFile.write(Data("x".utf8), to: URL(fileURLWithPath: "/dev/full")) }
        do {
            try PrivateFile.write(Data("x".utf8), to: URL(fileURLWithPath: "/dev/full"))
        } catch {
            #expect(OutOfSpace.matches(error))
        }
    }

    @Test func atomicWritesArePrivateAndLeaveNoTemporaryFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-private-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("secret.json")
        try PrivateFile.writeAtomically(Data("one".utf8), to: url)
        try PrivateFile.writeAtomically(Data("two".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["secret.json"])
        #expect((try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    }

    @Test func anOpenDataDirIsTightened() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-open-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("camhub.json").path, contents: Data("{}".utf8))
        chmod(folder.path, 0o755)
        chmod(folder.appendingPathComponent("blobs").path, 0o755)
        chmod(folder.appendingPathComponent("camhub.json").path, 0o644)
        #expect(DataDirectory.tighten(folder).count == 3)
        func mode(_ name: String) throws -> Int? {
            (try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.posixPermissions] as? NSNumber)?.intValue
        }
        #expect(try mode("") == 0o700)
        #expect(try mode("blobs") == 0o700)
        #expect(try mode("camhub.json") == 0o600)
        // Already tight: nothing to say.
        #expect(DataDirectory.tighten(folder).isEmpty)
    }
}
