import CamHubCore
import CamHubPush
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle

/// `/video-output-stream`: the original seed 003 server's socket for browsers (its frontend's
/// `WebSocketStream`). The viewer sends a greeting naming the camera (`ViewerGreeting`), then gets
/// each new frame as one binary JPEG message, newest-only, as `/cameras/{id}/ws` sends them. What
/// the viewer sends after the greeting (the frontend's joystick move messages) is passed to the
/// camera's push socket, when it holds one.
enum VideoOutputStream {
    static func serve(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, hub: Hub, logger: Logger) async throws {
        // At shutdown the waiting read is cancelled too, so a viewer cannot hold the hub open.
        try await cancelWhenGracefulShutdown {
            var messages = inbound.messages(maxSize: 64 * 1024).makeAsyncIterator()
            guard let first = try await messages.next() else { return }
            guard case .binary(let buffer) = first else {
                return try await outbound.close(.unacceptableData, reason: "the greeting is binary: int32 LE length, then JSON {token, cameraId}")
            }
            let greeting: ViewerGreeting
            do {
                greeting = try ViewerGreeting(parsing: Array(buffer: buffer))
            } catch {
                logger.notice("viewer socket refused", metadata: ["reason": "\(error)"])
                return try await outbound.close(.protocolError, reason: "expected int32 LE length + JSON {token, cameraId}, or an int32 LE camera id")
            }
            let id = String(greeting.cameraID)
            guard let camera = try await hub.cameras.camera(id: id) else {
                // The original's words for it.
                return try await outbound.close(.policyViolation, reason: "No camera with id \(greeting.cameraID) exists")
            }
            guard !camera.isStopped else {
                return try await outbound.close(.policyViolation, reason: "camera \(id) is stopped")
            }
            // Relayed when another hub holds the camera's push socket.
            let feed = try await hub.liveFeed(for: id)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await feed.withViewer { viewer in
                        while let frame = await viewer.next() {
                            try await outbound.write(.binary(JPEGBuffer.of(frame)))
                        }
                    }
                }
                while let message = try await messages.next() {
                    if case .binary(let bytes) = message {
                        // The camera's socket may be on another hub: every hub hears it, the one with the socket sends it.
                        if await !hub.pushConnections.send(bytes, to: id) { hub.site.send(SiteSignal.message(bytes, to: id)) }
                    }
                }
                group.cancelAll()
            }
        }
    }
}
