import CamHubCore
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Streams a camera as `multipart/x-mixed-replace`.
///
/// Backpressure: the loop asks the feed for the next frame only after the previous write has
/// completed, and `writer.write` waits while the socket is not writable. A slow viewer therefore
/// skips to the newest frame instead of queueing frames, and the camera never waits for it.
///
/// Shutdown: on graceful shutdown the viewer is closed and the connection is closed too, so a
/// viewer whose socket has stopped draining cannot hold the server open.
enum MJPEGResponse {
    static func stream(_ feed: CameraFeed, channel: any Channel) -> Response {
        let body = ResponseBody { writer in
            try await feed.withViewer { viewer in
                try await withGracefulShutdownHandler {
                    while let frame = await viewer.next() {
                        try await writer.write(MJPEGPart.of(frame))
                    }
                } onGracefulShutdown: {
                    viewer.close()
                    channel.close(promise: nil)
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: MJPEGPart.contentType,
                .cacheControl: "no-cache, no-store, must-revalidate",
                .connection: "close",
            ],
            body: body
        )
    }
}
