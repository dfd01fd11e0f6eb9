import CamHubCore
import Foundation
import Logging

/// The operator's token, made at first start and kept in `<data-dir>/admin.token` (mode 0600).
/// It is printed once, when it is made, and never logged again.
struct AdminToken: Sendable {
    static let fileName = "admin.token"
    private let hash: String

    init(token: String) {
        hash = CameraKeys.hash(token)
    }

    static func loadOrCreate(in directory: URL, logger: Logger) throws -> AdminToken {
        let url = directory.appendingPathComponent(fileName)
        if let data = FileManager.default.contents(atPath: url.path),
            let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty
        {
            return AdminToken(token: token)
        }
        let token = CameraKeys.generate()
        try PrivateFile.write(Data((token + "\n").utf8), to: url)
        // Printed once so the operator can copy it; it stays in the 0600 file for later.
        FileHandle.standardError.write(Data("camhub: created the admin token in \(url.path): \(token)\n".utf8))
        logger.notice("created the admin token", metadata: ["file": "\(url.path)"])
        return AdminToken(token: token)
    }

    func matches(_ candidate: String) -> Bool {
        ConstantTime.equal(CameraKeys.hash(candidate), hash)
    }
}
