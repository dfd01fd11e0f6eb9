import CamHubCore
import Crypto
import Foundation

/// `lpr.token`, the shared secret edge devices present (Socket.IO `auth: {token}` or `?token=`,
/// REST `Authorization: Bearer`). Both sides are hashed before the constant-time comparison, so
/// neither the token's length nor its bytes leak through timing.
public struct LPRToken: Sendable {
    private let hash: String

    public init(_ token: String) {
        hash = Self.digest(token)
    }

    public func matches(_ presented: String) -> Bool {
        ConstantTime.equal(Self.digest(presented), hash)
    }

    private static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
