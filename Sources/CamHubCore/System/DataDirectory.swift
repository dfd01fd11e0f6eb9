public import Foundation

/// The data dir holds secrets (the config, the database, the log, keys): only camhub's user may
/// read it. A data dir made by an older camhub, or by hand, is tightened at start.
public enum DataDirectory {
    /// Makes `url` 0700, and the files in it 0600 and its folders 0700. Deeper entries (the
    /// blobs) are not walked: once their folder is 0700 no other user reaches them.
    /// Returns the paths whose mode was changed.
    @discardableResult
    public static func tighten(_ url: URL) -> [String] {
        var changed: [String] = []
        func restrict(_ path: String, to mode: mode_t) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            let kind = info.st_mode & S_IFMT
            guard kind == S_IFREG || kind == S_IFDIR else { return }  // symlinks, sockets: left alone
            guard info.st_mode & 0o077 != 0 else { return }
            if chmod(path, mode) == 0 { changed.append(path) }
        }
        restrict(url.path, to: 0o700)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return changed }
        for name in names {
            let path = url.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            restrict(path, to: isDirectory.boolValue ? 0o700 : 0o600)
        }
        return changed
    }
}
