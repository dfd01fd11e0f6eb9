public import CamHubCore
import Foundation

/// The secret hubs of one site prove themselves to each other with (`X-CamHub-Node`), on the
/// calls only a hub may make: a frame handed to the camera's owner, a relay's stream. It lives in
/// the shared database, made once by whichever hub starts first; a hub alone makes one per start
/// (nobody else needs it).
public struct NodeSecret: Sendable {
    public static let header = "X-CamHub-Node"
    static let sharedName = "cluster_secret"
    public let value: String

    public init(value: String) {
        self.value = value
    }

    public static func load(shared: (any SharedSecretRepository)?) async throws -> NodeSecret {
        let proposed = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        guard let shared else { return NodeSecret(value: proposed) }
        return NodeSecret(value: try await shared.secret(sharedName, proposing: proposed))
    }

    /// Whether `presented` is the secret, compared in constant time.
    public func matches(_ presented: String?) -> Bool {
        guard let presented else { return false }
        let a = Array(value.utf8), b = Array(presented.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
