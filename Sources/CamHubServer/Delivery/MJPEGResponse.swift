import CamHubCore
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Streams a camera as `multipart/x-mixed-replace; boundary=frame`.
///
/// Hummingbird writes the response head; from then on the connection's parts are written by the
/// camera's `MJPEGFanOut` on the connection's event loop, and this handler only waits for the
/// connection to close. On graceful shutdown the stream is ended cleanly (the closing chunk after
/// the part in flight, then the connection closes), and a viewer whose socket has stopped
/// draining is cut off after `shutdownGrace`, so it cannot hold the server open.
enum MJPEGResponse {
    static func stream(_ feed: CameraFeed, size: FrameSize? = nil, channel: any Channel, fanOuts: MJPEGFanOuts) -> Response {
        let body = ResponseBody { _ in
            let (fanOut, id) = fanOuts.join(feed, channel: channel, size: size)
            defer { fanOuts.leave(fanOut, id: id) }
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                fanOut.finish(id)
                channel.eventLoop.scheduleTask(in: EventStreamResponse.shutdownGrace) { channel.close(promise: nil) }
            }
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
