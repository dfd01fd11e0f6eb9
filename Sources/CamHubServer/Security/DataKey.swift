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

    static let sharedName = "data_key"

    /// Loads the key from the data dir, creating it (0600) on first start. On a shared database the
    /// key is the one stored there (`data_key`), proposed by the first hub to start, so credentials
    /// sealed through one hub open on every hub.
    static func load(in directory: URL, shared: (any SharedSecretRepository)?) async throws -> DataKey {
        let url = directory.appendingPathComponent(fileName)
        let local = FileManager.default.contents(atPath: url.path).flatMap { $0.count == 32 ? $0 : nil }
        let proposed = local ?? SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        if let shared {
            let stored = try await shared.secret(sharedName, proposing: proposed.base64EncodedString())
            guard let key = Data(base64Encoded: stored), key.count == 32 else {
                throw CamHubError(.storage, "the shared data key in the database is not 32 bytes of base64")
            }
            return DataKey(key: SymmetricKey(data: key))
        }
        if local == nil { try PrivateFile.writeAtomically(proposed, to: url) }
        return DataKey(key: SymmetricKey(data: proposed))
    }

    func seal(_ text: String) throws -> String {
        try AES.GCM.seal(Data(text.utf8), using: key).combined!.base64EncodedString()
    }

    func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw CryptoKitError.incorrectParameterSize }
        return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
    }
}
