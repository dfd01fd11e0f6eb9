public import Foundation
import Synchronization

/// The log file: lines appended with `write(2)`, rotated by size, reopened on request (SIGHUP,
/// for logrotate), and never fatal.
///
/// A full disk or a file that went away must not stop the hub, so a failed write is reported once
/// on standard error (where every line goes anyway) and the file is retried at most once a second;
/// when it works again that is said once too. A line cut short by a full disk is cut off the file,
/// so no half line is left behind.
public final class LogFile: Sendable {
    public struct Settings: Sendable, Equatable {
        public var url: URL
        /// Rotate when the file would grow past this; 0 never rotates.
        public var maxBytes: Int
        /// Rotated files kept (`camhub.log.1` is the newest); 0 keeps none.
        public var keep: Int

        public init(url: URL, maxBytes: Int = 10 * 1024 * 1024, keep: Int = 5) {
            self.url = url
            self.maxBytes = maxBytes
            self.keep = keep
        }
    }

    private struct State {
        var descriptor: Int32 = -1
        var size = 0
        /// Why the file cannot be written now; nil while it works.
        var failure: String?
        var lastAttempt: ContinuousClock.Instant?
    }

    public let settings: Settings
    private let state = Mutex(State())
    /// Where the notices about the file go: standard error.
    private let notice: @Sendable (String) -> Void

    public init(settings: Settings, notice: @escaping @Sendable (String) -> Void = LogFile.standardError) {
        self.settings = settings
        self.notice = notice
        state.withLock { state in
            if let problem = open(&state) { fail(&state, problem) }
        }
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { Foundation.close(state.descriptor) }
        }
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// True while lines reach the file.
    public var isWritable: Bool { state.withLock { $0.failure == nil } }

    /// Appends one line (which ends with a newline).
    public func write(_ line: String) {
        state.withLock { state in
            if state.failure != nil {
                // Retry at most once a second; the line is on standard error meanwhile.
                let now = ContinuousClock.now
                if let last = state.lastAttempt, now - last < .seconds(1) { return }
                state.lastAttempt = now
                if state.descriptor < 0, let problem = open(&state) { return fail(&state, problem) }
            }
            let bytes = Array(line.utf8)
            if settings.maxBytes > 0, state.size > 0, state.size + bytes.count > settings.maxBytes {
                rotate(&state)
                if let problem = open(&state) { return fail(&state, problem) }
            }
            if let problem = append(bytes, &state) { return fail(&state, problem) }
            if state.failure != nil {
                state.failure = nil
                let message = "camhub: the log file \(settings.url.path) is written again\n"
                notice(message)
                _ = append(Array(message.utf8), &state)
            }
        }
    }

    /// Closes and opens the file again: after logrotate moved it away, lines go to a new file.
    public func reopen() {
        state.withLock { state in
            if state.descriptor >= 0 { Foundation.close(state.descriptor) }
            state.descriptor = -1
            if let problem = open(&state) { fail(&state, problem) }
        }
    }

    // MARK: Under the lock

    /// Opens (creating it 0600) for appending; the reason when that fails.
    private func open(_ state: inout State) -> String? {
        let path = settings.url.path
        try? FileManager.default.createDirectory(at: settings.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = Foundation.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        _ = fchmod(descriptor, 0o600)
        var info = stat()
        state.size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        state.descriptor = descriptor
        return nil
    }

    private func append(_ bytes: [UInt8], _ state: inout State) -> String? {
        guard state.descriptor >= 0 else { return "not open" }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Foundation.write(state.descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                // Cut the partial line off, so the file holds whole lines only.
                if written > 0 { _ = ftruncate(state.descriptor, off_t(state.size)) }
                return reason
            }
            written += result
        }
        state.size += written
        return nil
    }

    /// `camhub.log` becomes `camhub.log.1`, `.1` becomes `.2`, and so on; the oldest past `keep`
    /// is deleted. With `keep` 0 the file is just emptied.
    private func rotate(_ state: inout State) {
        if state.descriptor >= 0 { Foundation.close(state.descriptor) }
        state.descriptor = -1
        let path = settings.url.path
        guard settings.keep > 0 else {
            _ = truncate(path, 0)
            return
        }
        _ = unlink("\(path).\(settings.keep)")
        for index in stride(from: settings.keep - 1, through: 1, by: -1) {
            _ = rename("\(path).\(index)", "\(path).\(index + 1)")
        }
        _ = rename(path, "\(path).1")
    }

    private func fail(_ state: inout State, _ reason: String) {
        guard state.failure == nil else { return }
        state.failure = reason
        state.lastAttempt = .now
        notice("camhub: cannot write the log file \(settings.url.path) (\(reason)); logging to standard error only until it works again\n")
    }
}
