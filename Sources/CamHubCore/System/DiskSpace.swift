public import Foundation

public enum DiskSpace {
    /// Bytes an unprivileged writer may still use on the filesystem holding `url`; nil when it
    /// cannot be read.
    public static func available(at url: URL) -> Int64? {
        var info = statvfs()
        guard statvfs(url.path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
