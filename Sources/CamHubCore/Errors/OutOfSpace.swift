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
        if let error = error as? POSIXError { return codes.contains(error.code.rawValue) }
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain, codes.contains(Int32(truncatingIfNeeded: error.code)) { return true }
        if error.domain == NSCocoaErrorDomain, error.code == CocoaError.fileWriteOutOfSpace.rawValue { return true }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? any Error { return matches(underlying) }
        return false
    }

    private static let codes: Set<Int32> = [ENOSPC, EDQUOT, EFBIG]

    /// The error to throw for a write that failed: `insufficient_storage` when the disk is full,
    /// the error itself otherwise.
    public static func classify(_ error: any Error) -> any Error {
        matches(error) ? CamHubError.insufficientStorage(message) : error
    }
}
