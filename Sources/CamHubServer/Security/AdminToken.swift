public import CamHubCore
public import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The operator's token, made at first start and kept in `<data-dir>/admin.token` (mode 0600).
/// It is printed once, when it is made, and never logged again.
///
/// On a shared database its hash lives there (`admin_token_sha256`), so a token issued through one
/// hub is accepted by all: the first hub to start proposes its own (from its file, or a new one,
/// which it then prints and keeps), and every hub uses the hash that was stored.
///
/// `camhub admin-token rotate` writes a new one (the file, and the shared hash): `reload` reads it
/// again (`AdminTokenWatch`, once a second), and from then on the old one gets 401.
final class AdminToken: Sendable {
    static let fileName = "admin.token"
    static let sharedName = "admin_token_sha256"
    private let hash: Mutex<String>
    /// Where it is read again from: the file, or the shared database.
    private let file: URL?
    private let shared: (any SharedSecretRepository)?

    init(token: String) {
        hash = Mutex(CameraKeys.hash(token))
        file = nil
        shared = nil
    }

    private init(hash: String, file: URL?, shared: (any SharedSecretRepository)?) {
        self.hash = Mutex(hash)
        self.file = file
        self.shared = shared
    }

    static func load(in directory: URL, shared: (any SharedSecretRepository)?, logger: Logger) async throws -> AdminToken {
        let url = directory.appendingPathComponent(fileName)
        let local = PrivateFile.readLine(at: url)
        let token = local ?? CameraKeys.generate()
        let hash = try await shared?.secret(sharedName, proposing: CameraKeys.hash(token)) ?? CameraKeys.hash(token)
        let loaded = AdminToken(hash: hash, file: url, shared: shared)
        guard hash == CameraKeys.hash(token) else {
            logger.notice(
                "the admin token is the one the shared database holds (made by another hub)",
                metadata: local == nil ? [:] : ["not_used": "\(url.path)"]
            )
            return loaded
        }
        if local == nil {
            try PrivateFile.writeAtomically(Data((token + "\n").utf8), to: url)
            // Printed once so the operator can copy it; it stays in the 0600 file for later.
            FileHandle.standardError.write(Data("camhub: created the admin token in \(url.path): \(token)\n".utf8))
            logger.notice("created the admin token", metadata: ["file": "\(url.path)"])
        }
        return loaded
    }

    func matches(_ candidate: String) -> Bool {
        let current = hash.withLock { $0 }
        return ConstantTime.equal(CameraKeys.hash(candidate), current)
    }

    /// Reads the token again (the shared hash, or the file); true when it changed. A file that
    /// cannot be read keeps the token in force.
    func reload() async throws -> Bool {
        let fresh: String?
        if let shared {
            fresh = try await shared.existingSecret(Self.sharedName)
        } else {
            fresh = file.flatMap(PrivateFile.readLine(at:)).map(CameraKeys.hash)
        }
        guard let fresh else { return false }
        return hash.withLock { hash in
            defer { hash = fresh }
            return hash != fresh
        }
    }
}

/// Reads the admin token again once a second; when it changed (`camhub admin-token rotate`), the
/// web app's sessions, made with the old one, end.
struct AdminTokenWatch: Service {
    let hub: Hub
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                do {
                    guard try await hub.access.adminToken.reload() else { continue }
                    try await hub.access.sessions.endAll()
                    logger.notice("the admin token was rotated: the old one is refused, and the web sessions made with it ended")
                } catch {
                    logger.debug("the admin token could not be read again", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

/// `camhub admin-token`: the operator's side of rotation, on the hub's own data folder and database.
public enum AdminTokenRotation {
    /// Makes a new admin token: written to `<data-dir>/admin.token` (0600, atomically), its hash
    /// stored in the shared database when there is one, and the web sessions ended. Running hubs
    /// take it within a second. Returns the token (shown once).
    ///
    /// A failure changes nothing: the file is written first (atomically, so a full or failing disk
    /// leaves the old one), and should the database then refuse, the old token is put back.
    public static func rotate(dataDirectory: URL, shared: (any SharedSecretRepository)?, sessions: any WebSessionRepository) async throws -> String {
        let token = CameraKeys.generate()
        let file = dataDirectory.appendingPathComponent(AdminToken.fileName)
        let previous = PrivateFile.readLine(at: file)
        try PrivateFile.writeAtomically(Data((token + "\n").utf8), to: file)
        do {
            try await shared?.replace(AdminToken.sharedName, with: CameraKeys.hash(token))
            try await sessions.purge(expiredBefore: Date.distantFuture)
        } catch {
            if let previous {
                try? PrivateFile.writeAtomically(Data((previous + "\n").utf8), to: file)
                try? await shared?.replace(AdminToken.sharedName, with: CameraKeys.hash(previous))
            }
            throw error
        }
        return token
    }

    /// Where the token is, never the token itself.
    public static func describe(dataDirectory: URL, shared: Bool) -> String {
        let file = dataDirectory.appendingPathComponent(AdminToken.fileName)
        var lines = [FileManager.default.fileExists(atPath: file.path)
            ? "the admin token is in \(file.path) (readable by its owner only)"
            : "no admin token file in \(dataDirectory.path): a hub makes one at its first start"]
        if shared {
            lines.append("the hubs of this site share its hash in the database (\(AdminToken.sharedName)); `camhub admin-token rotate` replaces both")
        }
        return lines.joined(separator: "\n")
    }
}
