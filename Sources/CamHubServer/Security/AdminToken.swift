import CamHubCore
import Foundation
import Logging

/// The operator's token, made at first start and kept in `<data-dir>/admin.token` (mode 0600).
/// It is printed once, when it is made, and never logged again.
///
/// On a shared database its hash lives there (`admin_token_sha256`), so a token issued through one
/// hub is accepted by all: the first hub to start proposes its own (from its file, or a new one,
/// which it then prints and keeps), and every hub uses the hash that was stored.
struct AdminToken: Sendable {
    static let fileName = "admin.token"
    static let sharedName = "admin_token_sha256"
    private let hash: String

    init(token: String) {
        hash = CameraKeys.hash(token)
    }

    private init(hash: String) {
        self.hash = hash
    }

    static func load(in directory: URL, shared: (any SharedSecretRepository)?, logger: Logger) async throws -> AdminToken {
        let url = directory.appendingPathComponent(fileName)
        let local = PrivateFile.readLine(at: url)
        let token = local ?? CameraKeys.generate()
        let hash = try await shared?.secret(sharedName, proposing: CameraKeys.hash(token)) ?? CameraKeys.hash(token)
        guard hash == CameraKeys.hash(token) else {
            logger.notice(
                "the admin token is the one the shared database holds (made by another hub)",
                metadata: local == nil ? [:] : ["not_used": "\(url.path)"]
            )
            return AdminToken(hash: hash)
        }
        if local == nil {
            try PrivateFile.writeAtomically(Data((token + "\n").utf8), to: url)
            // Printed once so the operator can copy it; it stays in the 0600 file for later.
            FileHandle.standardError.write(Data("camhub: created the admin token in \(url.path): \(token)\n".utf8))
            logger.notice("created the admin token", metadata: ["file": "\(url.path)"])
        }
        return AdminToken(hash: hash)
    }

    func matches(_ candidate: String) -> Bool {
        ConstantTime.equal(CameraKeys.hash(candidate), hash)
    }
}
