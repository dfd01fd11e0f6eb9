import CamHubCore
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Streams a camera as `multipart/x-mixed-replace; boundary=frame`.
///
/// Hummingbird writes the response head; from then on the connection's parts are written by the
/// camera's `MJPEGFanOut` on the connection's event loop, and this handler only waits for the
/// connection to close. On graceful shutdown it closes the connection, so a viewer whose socket
/// has stopped draining cannot hold the server open.
enum MJPEGResponse {
    static func stream(_ feed: CameraFeed, size: FrameSize? = nil, channel: any Channel, fanOuts: MJPEGFanOuts) -> Response {
        let body = ResponseBody { _ in
            let (fanOut, id) = fanOuts.join(feed, channel: channel, size: size)
            defer { fanOuts.leave(fanOut, id: id) }
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
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
