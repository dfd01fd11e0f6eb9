import CamHubCore
import Crypto
import Foundation

/// The hub's own secret, kept in `<data-dir>/data.key` (mode 0600): it seals stored credentials
/// (AES-GCM) so they can be used later but are never readable from the database alone.
struct DataKey: Sendable {
    static let fileName = "data.key"
    private let key: SymmetricKey

    init(key: SymmetricKey) {
        self.key = key
    }

    /// Loads the key from the data dir, creating it (0600) on first start.
    static func loadOrCreate(in directory: URL) throws -> DataKey {
        let url = directory.appendingPathComponent(fileName)
        if let data = FileManager.default.contents(atPath: url.path), data.count == 32 {
            return DataKey(key: SymmetricKey(data: data))
        }
        let key = SymmetricKey(size: .bits256)
        try PrivateFile.write(key.withUnsafeBytes { Data($0) }, to: url)
        return DataKey(key: key)
    }

    func seal(_ text: String) throws -> String {
        try AES.GCM.seal(Data(text.utf8), using: key).combined!.base64EncodedString()
    }

    func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw CryptoKitError.incorrectParameterSize }
        return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
    }
}
