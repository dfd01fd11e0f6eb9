import Crypto
import Foundation

/// `X-Camhub-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body bytes under the webhook's
/// secret. A receiver computes the same over the body it read and compares in constant time.
public enum WebhookSignature {
    public static let header = "X-Camhub-Signature"

    public static func value(body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }
}
