public import CamHubCore
import Crypto
import Foundation

/// Seed 003 camera tokens: the lowercase hex of HMAC-SHA256(secret, the camera id in decimal,
/// then `:` and the camera's token generation when it has one).
///
/// A generation (`push_generation` in the camera's registry metadata, random) is given to every
/// camera created since, and a new one when its token is rotated: so a camera deleted and made
/// again with the same id gets a new token, and a revoked token stays revoked. Cameras from before
/// have none and keep the token they had.
///
/// The secret comes from `push.secret` (or `CAMHUB_PUSH_SECRET`); otherwise it is generated once
/// and kept in `<data-dir>/push.secret` (mode 0600). Tokens are checked in constant time and
/// never logged.
public struct PushTokens: Sendable {
    public static let fileName = "push.secret"
    private let key: SymmetricKey
    /// The original server's `CAMERA_TOKEN_SECRET`, so cameras in the field keep their tokens.
    private let legacySecret: String?

    public init(secret: String, legacySecret: String? = nil) {
        key = SymmetricKey(data: Data(secret.utf8))
        self.legacySecret = legacySecret
    }

    public static let sharedName = "push_secret"

    /// The configured secret, or else the one every hub on a shared database agrees on (proposed by
    /// the first to start), or else the one kept in the data dir, made on first use.
    public static func load(
        configuration: HubConfiguration, paths: HubPaths, shared: (any SharedSecretRepository)? = nil
    ) async throws -> PushTokens {
        let legacy = configuration.push.legacySecret
        if let secret = configuration.push.secret { return PushTokens(secret: secret, legacySecret: legacy) }
        let url = paths.dataDirectory.appendingPathComponent(fileName)
        let local = PrivateFile.readLine(at: url).flatMap { $0.utf8.count >= 16 ? $0 : nil }
        if let shared {
            return PushTokens(secret: try await shared.secret(sharedName, proposing: local ?? RandomToken.hex256()), legacySecret: legacy)
        }
        if let local { return PushTokens(secret: local, legacySecret: legacy) }
        let secret = RandomToken.hex256()
        try PrivateFile.writeAtomically(Data((secret + "\n").utf8), to: url)
        return PushTokens(secret: secret, legacySecret: legacy)
    }

    /// Where a camera's generation is kept in its registry metadata.
    public static let generationKey = "push_generation"

    /// A new generation: a camera created, or its token rotated.
    public static func newGeneration() -> String { RandomToken.hex256() }

    /// The generation of a registry camera, nil for one from before generations.
    public static func generation(of camera: Camera) -> String? { camera.metadata[generationKey] }

    private static func message(_ id: UInt32, _ generation: String?) -> Data {
        Data((generation.map { "\(id):\($0)" } ?? String(id)).utf8)
    }

    /// The token of camera `id` at `generation`.
    public func token(for id: UInt32, generation: String? = nil) -> String {
        HMAC<SHA256>.authenticationCode(for: Self.message(id, generation), using: key)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// True when `token` is camera `id`'s token at its `generation`, or (with a legacy secret)
    /// the token the original server issued, which the cameras in the field keep whatever their
    /// generation, for as long as `push.legacy_secret` is set. Upper- or lowercase hex is accepted.
    public func matches(_ token: String, for id: UInt32, generation: String? = nil) -> Bool {
        guard let code = Self.hexBytes(token) else { return false }
        if HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Self.message(id, generation), using: key) { return true }
        guard let legacySecret else { return false }
        return ConstantTime.equal(Self.legacyToken(for: id, secret: legacySecret), token.lowercased())
    }

    /// The original server's token: the lowercase hex SHA-256 of the id's decimal text followed by
    /// its secret.
    public static func legacyToken(for id: UInt32, secret: String) -> String {
        SHA256.hash(data: Data((String(id) + secret).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The seed 003 id of a registry camera: a canonical positive decimal that fits in a uint32.
    public static func pushID(of cameraID: CameraID) -> UInt32? {
        guard let first = cameraID.utf8.first, first != UInt8(ascii: "0"), cameraID.utf8.count <= 10,
            cameraID.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let id = UInt32(cameraID)
        else { return nil }
        return id
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 2 * SHA256.byteCount else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(SHA256.byteCount)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension PushTokens: CustomStringConvertible {
    /// Never the key or the legacy secret, whatever prints it.
    public var description: String { "PushTokens" }
}
