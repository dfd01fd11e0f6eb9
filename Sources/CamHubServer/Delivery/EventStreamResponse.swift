import CamHubCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// A camera as `text/event-stream` (seed 003's `/stream-image`): one `image-update` event per new
/// frame, as the original server sends it and its frontend listens for it: `id:` the frame's
/// sequence, `data:` the JPEG as a `data:image/jpg;base64,` URL, ready for an `<img src>`.
///
/// Newest-only: while a write waits on a slow reader, newer frames replace each other. The event
/// text is built once per frame and shared by every reader. On graceful shutdown the stream ends
/// after the event being written; a reader that has stopped reading is disconnected shortly after,
/// and at any time once one write has waited on it for `server.stalled_viewer_seconds`.
enum EventStreamResponse {
    /// How long shutdown waits for a stuck reader before closing its connection.
    static let shutdownGrace: TimeAmount = .seconds(2)

    static func stream(_ feed: CameraFeed, channel: any Channel, stallLimit: TimeAmount) -> Response {
        let body = ResponseBody { writer in
            let watch = StalledWriteWatch(channel: channel, limit: stallLimit)
            defer { watch.stop() }
            try await feed.withViewer { viewer in
                try await withGracefulShutdownHandler {
                    while let frame = await viewer.next() {
                        try await watch.timing { try await writer.write(Event.of(frame)) }
                    }
                } onGracefulShutdown: {
                    viewer.close()
                    channel.eventLoop.scheduleTask(in: shutdownGrace) { channel.close(promise: nil) }
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream",
                .cacheControl: "no-cache, no-store, must-revalidate",
                .xAccelBuffering: "no",
            ],
            body: body
        )
    }

    /// One frame as an event, built once per frame.
    enum Event: FrameDerivation {
        typealias Value = ByteBuffer

        static func of(_ frame: Frame) -> ByteBuffer {
            frame.derived(Event.self) { frame in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(frame.byteCount * 4 / 3 + 64)
                buffer.writeString("event: image-update\nid: \(frame.sequence)\ndata: data:image/jpg;base64,")
                buffer.writeString(Data(frame.jpeg).base64EncodedString())
                buffer.writeString("\n\n")
                return buffer
            }
        }
    }
}
