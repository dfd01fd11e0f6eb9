import CamHubCore
import Crypto
import Foundation

/// Camera API keys: 256 random bits, given to the camera once and stored only as a SHA-256 hash.
///
/// A plain hash is enough here (no slow KDF): the key is random and long, so there is nothing to
/// guess. Comparison is constant-time so a wrong key learns nothing from timing.
enum CameraKeys {
    static func generate() -> String {
        RandomToken.hex256()
    }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// True when `key` hashes to `storedHash`, compared in constant time.
    static func matches(_ key: String, storedHash: String) -> Bool {
        ConstantTime.equal(hash(key), storedHash)
    }
}
