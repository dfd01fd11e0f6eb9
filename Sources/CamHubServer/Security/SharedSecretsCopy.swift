public import CamHubCore
import CamHubPush
public import Foundation

/// The secrets a hub keeps in its data dir (admin token, push secret, data key), put into a shared
/// database by `camhub db copy`, so the copied hub's tokens, push tokens and sealed credentials
/// keep working there.
public enum SharedSecretsCopy {
    /// Copies what the data dir holds; returns a line per secret saying what happened.
    public static func copy(from dataDirectory: URL, to shared: any SharedSecretRepository) async throws -> [String] {
        func file(_ name: String) -> Data? { FileManager.default.contents(atPath: dataDirectory.appendingPathComponent(name).path) }
        func text(_ name: String) -> String? { PrivateFile.readLine(at: dataDirectory.appendingPathComponent(name)) }
        var proposals: [(name: String, value: String, what: String)] = []
        if let token = text(AdminToken.fileName) { proposals.append((AdminToken.sharedName, CameraKeys.hash(token), "the admin token")) }
        if let secret = text(PushTokens.fileName) { proposals.append((PushTokens.sharedName, secret, "the push secret")) }
        if let key = file(DataKey.fileName), key.count == 32 { proposals.append((DataKey.sharedName, key.base64EncodedString(), "the data key")) }
        var lines: [String] = []
        for proposal in proposals {
            let stored = try await shared.secret(proposal.name, proposing: proposal.value)
            lines.append(stored == proposal.value ? "copied \(proposal.what)" : "kept the target's own \(proposal.what): it had one already")
        }
        return lines
    }
}
