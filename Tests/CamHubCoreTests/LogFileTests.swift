import CamHubCore
import Foundation
import Synchronization
import Testing

@Suite("Log file: rotated by size, reopened, never fatal")
struct LogFileTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-log-\(UUID().uuidString)")

    func lines(_ url: URL) -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func itIsPrivateAndRotatesBySizeKeepingTheNewestFiles() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("camhub.log")
        let file = LogFile(settings: .init(url: url, maxBytes: 100, keep: 2))
        func line(_ index: Int) -> String { "line " + String(format: "%02d", index) + " " + String(repeating: "x", count: 20) }
        for index in 0..<12 { file.write(line(index) + "\n") }  // 29 bytes each: three to a file
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        // Three lines per file: the current one, .1 and .2; older ones are gone.
        #expect(lines(url) == (9..<12).map(line))
        #expect(lines(folder.appendingPathComponent("camhub.log.1")) == (6..<9).map(line))
        #expect(lines(folder.appendingPathComponent("camhub.log.2")) == (3..<6).map(line))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("camhub.log.3").path))
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let size = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? NSNumber
            #expect((size?.intValue ?? 0) <= 100, "\(name)")
        }
    }

    @Test func reopenStartsANewFileAfterLogrotateMovedTheOldOne() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("camhub.log")
        let file = LogFile(settings: .init(url: url, maxBytes: 0, keep: 0))
        file.write("before\n")
        try FileManager.default.moveItem(at: url, to: folder.appendingPathComponent("camhub.log.old"))
        file.write("still into the moved file\n")
        file.reopen()
        file.write("after\n")
        #expect(lines(url) == ["after"])
        #expect(lines(folder.appendingPathComponent("camhub.log.old")) == ["before", "still into the moved file"])
    }

    @Test func aFullDiskIsSaidOnceAndNeverStopsTheCaller() {
        // /dev/full answers every write with ENOSPC, as a full disk does.
        let notices = Mutex<[String]>([])
        let file = LogFile(settings: .init(url: URL(fileURLWithPath: "/dev/full"), maxBytes: 0, keep: 0)) { line in
            notices.withLock { $0.append(line) }
        }
        for index in 0..<100 { file.write("line \(index)\n") }
        #expect(!file.isWritable)
        let said = notices.withLock { $0 }
        #expect(said.count == 1)
        #expect(said.first?.contains("cannot write the log file /dev/full") == true)
        #expect(said.first?.contains("standard error") == true)
    }

    @Test func aFolderThatCannotBeCreatedIsNotFatalEither() {
        let notices = Mutex<[String]>([])
        let file = LogFile(settings: .init(url: URL(fileURLWithPath: "/proc/camhub/camhub.log"))) { line in
            notices.withLock { $0.append(line) }
        }
        file.write("nowhere\n")
        #expect(!file.isWritable)
        #expect(notices.withLock { $0.count } == 1)
    }
}
