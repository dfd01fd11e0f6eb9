import CamHubCore
import HummingbirdWebSocket
import NIOCore

/// `GET /cameras/{id}/ws`: each new frame of a camera as one binary WebSocket message.
///
/// Newest-only: while a send waits on a slow socket, newer frames replace each other and only the
/// newest is sent next. The socket ends when the client closes it, the camera's feed closes, or
/// the hub shuts down.
enum WebSocketFrames {
    static func send(
        _ feed: CameraFeed, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Reading keeps ping, pong and close working; a browser has nothing else to say.
                for try await _ in inbound {}
            }
            group.addTask {
                try await feed.withViewer { viewer in
                    while let frame = await viewer.next() {
                        try await outbound.write(.binary(JPEGBuffer.of(frame)))
                    }
                }
            }
            // Whichever ends first (the client left, or the feed ended) ends the other.
            try await group.next()
            group.cancelAll()
        }
    }
}
