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

    @Test func diskErrorsAreRecognisedHoweverTheyAreWrappedAndAreNotAFullDisk() {
        #expect(DiskFault.matches(POSIXError(.EIO)))
        #expect(DiskFault.matches(POSIXError(.EROFS)))
        #expect(DiskFault.matches(NSError(domain: NSPOSIXErrorDomain, code: Int(EIO))))
        let wrapped = NSError(domain: NSCocoaErrorDomain, code: CocoaError.fileWriteUnknown.rawValue, userInfo: [NSUnderlyingErrorKey: POSIXError(.EIO)])
        #expect(DiskFault.matches(wrapped))
        #expect(DiskFault.matches(CamHubError(.diskError, "failed")))
        #expect(!DiskFault.matches(POSIXError(.ENOSPC)) && !OutOfSpace.matches(POSIXError(.EIO)))
        #expect(!DiskFault.matches(CamHubError.insufficientStorage("full")))
        #expect((DiskFault.classify(POSIXError(.EIO)) as? CamHubError)?.code == .diskError)
        #expect(DiskFault.classify(POSIXError(.EACCES)) is POSIXError)
    }

    @Test func whatACrashLeftHalfWrittenIsRemovedAndNothingElse() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-leftovers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let leftovers = [".camhub.json.2B1F.camhub-tmp", ".admin.token.9C3A.tmp", ".dat.nosync1f2e.Ab12Cd"]
        let kept = ["camhub.json", "admin.token", "camhub.sqlite", "notes.tmp"]
        for name in leftovers + kept { try Data("x".utf8).write(to: folder.appendingPathComponent(name)) }
        #expect(Set(PrivateFile.removeTemporaries(in: folder)) == Set(leftovers))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == Set(kept))
        #expect(PrivateFile.removeTemporaries(in: folder.appendingPathComponent("missing")).isEmpty)
        // Beside one file in someone else's folder: only that file's own temporaries.
        for name in [".agent.json.5E.camhub-tmp", ".other.json.5E.camhub-tmp", ".agent.json.5E.tmp"] {
            try Data("x".utf8).write(to: folder.appendingPathComponent(name))
        }
        #expect(PrivateFile.removeTemporaries(of: folder.appendingPathComponent("agent.json")) == [".agent.json.5E.camhub-tmp"])
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
