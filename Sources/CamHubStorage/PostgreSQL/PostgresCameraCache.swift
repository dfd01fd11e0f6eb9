import CamHubCore
import Synchronization

/// The registry as this hub last read or wrote it, kept correct by the notices every change to
/// the `cameras` table sends (a trigger: `camera <version> <id>`), whichever hub made it.
///
/// Versions come from one sequence, so a newer change always has a higher version, a delete
/// included. An entry older than the newest version noticed for its camera is dropped, and a read
/// that raced a change is not kept. Nothing is answered from memory while the notices are not
/// heard (`PostgresNotices.isListening`), and everything is forgotten at each gap, so a change
/// through another hub is seen here as soon as its notice arrives, a few milliseconds after it
/// commits, and the cache is never trusted longer than the notices are.
final class PostgresCameraCache: Sendable {
    struct Entry: Sendable {
        var camera: Camera
        var version: Int64
    }

    private struct State {
        var entries: [CameraID: Entry] = [:]
        /// The highest version noticed for each camera since the last gap.
        var noticed: [CameraID: Int64] = [:]
        /// Counts the gaps; a read made before one is not kept after it.
        var epoch = 0
    }

    private let notices: PostgresNotices
    private let state = Mutex(State())

    init(notices: PostgresNotices) {
        self.notices = notices
        notices.subscribe("camera") { [weak self] body in self?.noticed(body) }
        notices.onGap { [weak self] in self?.forgetAll() }
    }

    /// The cached camera, when the notices are heard.
    func entry(_ id: CameraID) -> Entry? {
        guard notices.isListening else { return nil }
        return state.withLock { $0.entries[id] }
    }

    /// Taken before a read, and handed back to `keep`.
    var epoch: Int { state.withLock { $0.epoch } }

    /// Keeps what was read or written in `epoch`, unless a newer change was noticed since.
    func keep(_ entry: Entry, readIn epoch: Int) {
        guard notices.isListening else { return }
        state.withLock { state in
            guard state.epoch == epoch, entry.version >= state.noticed[entry.camera.id] ?? 0 else { return }
            if let cached = state.entries[entry.camera.id], cached.version > entry.version { return }
            state.entries[entry.camera.id] = entry
        }
    }

    func forget(_ id: CameraID) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    private func forgetAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.noticed.removeAll()
            state.epoch += 1
        }
    }

    private func noticed(_ body: Substring) {
        let versionText = body.prefix { $0 != " " }
        guard let version = Int64(versionText) else { return }
        let id = String(body.dropFirst(versionText.count + 1))
        state.withLock { state in
            state.noticed[id] = max(state.noticed[id] ?? 0, version)
            if let cached = state.entries[id], cached.version < version { state.entries.removeValue(forKey: id) }
        }
    }
}
