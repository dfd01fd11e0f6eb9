import Crypto
import Foundation

/// Camera API keys: 256 random bits, given to the camera once and stored only as a SHA-256 hash.
///
/// A plain hash is enough here (no slow KDF): the key is random and long, so there is nothing to
/// guess. Comparison is constant-time so a wrong key learns nothing from timing.
enum CameraKeys {
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
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

enum ConstantTime {
    /// Compares two strings without an early exit on the first difference.
    static func equal(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            let x = index < left.count ? left[index] : 0
            let y = index < right.count ? right[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
