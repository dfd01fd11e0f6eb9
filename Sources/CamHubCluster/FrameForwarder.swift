import AsyncHTTPClient
public import CamHubCore
import Foundation
import NIOCore

/// Hands a frame that arrived at this hub (a seed 000 upload through a round-robin balancer lands
/// on any hub) to the hub that captures the camera, so its feed, the one every hub's viewers are
/// relayed from, has it: `POST /cluster/frames/{id}` on the owner, with the node secret and the
/// time the frame entered the site.
public struct FrameForwarder: Sendable {
    let secret: NodeSecret

    public init(secret: NodeSecret) {
        self.secret = secret
    }

    /// What the owner did with the frame.
    public struct Published: Sendable, Decodable {
        public let sequence: UInt64
    }

    public func forward(_ jpeg: [UInt8], of cameraID: CameraID, enteredAt timestamp: FrameTimestamp, to owner: ClusterMembership.Peer) async throws -> Published {
        let path = cameraID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? cameraID
        var request = HTTPClientRequest(url: "\(owner.address)/cluster/frames/\(path)")
        request.method = .POST
        request.headers.add(name: NodeSecret.header, value: secret.value)
        request.headers.add(name: "X-Timestamp", value: timestamp.headerValue)
        request.headers.add(name: "Content-Type", value: "image/jpeg")
        request.body = .bytes(ByteBuffer(bytes: jpeg))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 64 * 1024)
        guard response.status == .ok else {
            throw ForwardFailure(description: "\(owner.address) answered HTTP \(response.status.code) to a frame of camera \(cameraID)")
        }
        return try JSONDecoder().decode(Published.self, from: Data(body.readableBytesView))
    }

    struct ForwardFailure: Error, CustomStringConvertible {
        let description: String
    }
}
