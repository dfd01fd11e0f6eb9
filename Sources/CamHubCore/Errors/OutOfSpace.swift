import Foundation

/// Recognises "the disk is full", whichever layer reported it, so a store that could not be
/// written answers 507 `insufficient_storage` rather than a vague 500.
public enum OutOfSpace {
    public static let message = "the hub's disk is full: nothing was stored; live video goes on, and storing resumes once there is space"

    /// True for ENOSPC, EDQUOT and EFBIG (a file-size limit), as a POSIX error, as Foundation's
    /// `fileWriteOutOfSpace`, or as the underlying error of either; and for camhub's own
    /// `insufficient_storage`.
    public static func matches(_ error: any Error) -> Bool {
        if let error = error as? CamHubError { return error.code == .insufficientStorage }
        return FileSystemError.matches(error, codes: codes, cocoa: [CocoaError.fileWriteOutOfSpace.rawValue])
    }

    private static let codes: Set<Int32> = [ENOSPC, EDQUOT, EFBIG]

    /// The error to throw for a write that failed: `insufficient_storage` when the disk is full,
    /// the error itself otherwise.
    public static func classify(_ error: any Error) -> any Error {
        matches(error) ? CamHubError.insufficientStorage(message) : error
    }
}

/// Recognises "the disk failed": an I/O error (EIO), or a file system the kernel remounted
/// read-only after one (EROFS). Nothing was stored, the hub goes on, and the request is answered
/// 500 `disk_error` with a message that says so, rather than "internal error".
public enum DiskFault {
    public static let message = "the hub's disk reported an I/O error: nothing was stored; live video goes on. Check the disk (the kernel log says more)"

    public static func matches(_ error: any Error) -> Bool {
        if let error = error as? CamHubError { return error.code == .diskError }
        return FileSystemError.matches(error, codes: [EIO, EROFS], cocoa: [])
    }

    /// The error to throw for a write that failed: `disk_error` for an I/O error, the error
    /// itself otherwise.
    public static func classify(_ error: any Error) -> any Error {
        matches(error) ? CamHubError(.diskError, message) : error
    }
}

/// A failed write, as a log line says it: "the disk is full", "the disk reported an I/O error",
/// or the error itself.
public func writeFailureReason(_ error: any Error) -> String {
    OutOfSpace.matches(error) ? "the disk is full" : DiskFault.matches(error) ? "the disk reported an I/O error" : "\(error)"
}

/// Finds an `errno` in an error from any layer: a `POSIXError`, an `NSError` in the POSIX
/// domain, a Cocoa file error, or the underlying error of one of those.
enum FileSystemError {
    static func matches(_ error: any Error, codes: Set<Int32>, cocoa: Set<Int>) -> Bool {
        if let error = error as? POSIXError { return codes.contains(error.code.rawValue) }
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain, codes.contains(Int32(truncatingIfNeeded: error.code)) { return true }
        if error.domain == NSCocoaErrorDomain, cocoa.contains(error.code) { return true }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? any Error { return matches(underlying, codes: codes, cocoa: cocoa) }
        return false
    }
}
