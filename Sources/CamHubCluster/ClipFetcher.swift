import AsyncHTTPClient
public import CamHubCore
import Foundation
import NIOCore

/// A clip recorded by another hub of the site (each hub keeps the clips of the cameras it
/// analyses on its own disk): asked of each live hub in turn, `GET /cluster/clips/{name}` with
/// the node secret, and read as a `ClipFile`.
public struct ClipFetcher: Sendable {
    let secret: NodeSecret
    /// The largest clip taken from another hub.
    static let maxBytes = 512 * 1024 * 1024

    public init(secret: NodeSecret) {
        self.secret = secret
    }

    /// The clip's frames from the first hub that has it; nil when none does.
    public func frames(of name: String, from peers: [ClusterMembership.Peer]) async -> [ClipFile.Frame]? {
        guard ClipStore.isClipName(name) else { return nil }
        for peer in peers {
            var request = HTTPClientRequest(url: "\(peer.address)/cluster/clips/\(name)")
            request.headers.add(name: NodeSecret.header, value: secret.value)
            guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)), response.status == .ok,
                let body = try? await response.body.collect(upTo: Self.maxBytes)
            else { continue }
            if let frames = ClipFile.decode(Data(body.readableBytesView)) { return frames }
        }
        return nil
    }
}
