import Foundation

/// The greeting a browser sends on the original seed 003 server's `/video-output-stream`, in one
/// binary message:
///
/// - its frontend today: `int32 LE length`, then that many bytes of JSON `{"token", "cameraId"}`;
/// - older frontends: the camera id alone, as an `int32 LE` (4 bytes).
public struct ViewerGreeting: Sendable, Equatable {
    public let cameraID: UInt32
    /// The token the frontend sends (it sends "fake token"); camhub's streams are open, so it is
    /// kept for the log only.
    public let token: String?

    public enum Failure: Error, Sendable, Equatable {
        case tooShort(Int)
        /// The length prefix does not match the JSON that follows it, or is over 1024 (as the
        /// original refuses it).
        case badLength(declared: Int, actual: Int)
        case notJSON
        case noCameraID
    }

    public static let maxJSONBytes = 1024

    public init(cameraID: UInt32, token: String? = nil) {
        self.cameraID = cameraID
        self.token = token
    }

    public init(parsing bytes: [UInt8]) throws(Failure) {
        guard bytes.count >= 4 else { throw .tooShort(bytes.count) }
        let prefix = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        guard bytes.count > 4 else {
            guard prefix > 0 else { throw .noCameraID }
            self.init(cameraID: prefix)
            return
        }
        let json = bytes[4...]
        guard Int(prefix) == json.count, json.count <= Self.maxJSONBytes else {
            throw .badLength(declared: Int(prefix), actual: json.count)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { throw .notJSON }
        guard let number = object["cameraId"] as? NSNumber, let id = UInt32(exactly: number.doubleValue), id > 0 else {
            throw .noCameraID
        }
        self.init(cameraID: id, token: object["token"] as? String)
    }
}
