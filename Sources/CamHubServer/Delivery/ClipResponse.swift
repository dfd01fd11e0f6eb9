import CamHubCore
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// A recorded clip played back as `multipart/x-mixed-replace` at the pace its frames arrived
/// (gaps over a second are shortened to one), each part the camera's own JPEG with its
/// `X-Timestamp`. Ends with the closing boundary after the last frame, or at a graceful shutdown (after a pause
/// of a second at most).
enum ClipResponse {
    static let longestPause: Int64 = 1_000_000

    static func mjpeg(_ frames: [ClipFile.Frame]) -> Response {
        let body = ResponseBody { writer in
            let stopping = Atomic(false)
            try await withGracefulShutdownHandler {
                var previous: FrameTimestamp?
                for frame in frames {
                    if let previous {
                        let pause = min(longestPause, max(0, frame.timestamp.microseconds - previous.microseconds))
                        try await Task.sleep(for: .microseconds(pause))
                    }
                    // A shutdown waits a pause at most.
                    if stopping.load(ordering: .relaxed) { break }
                    previous = frame.timestamp
                    try await writer.write(part(frame))
                }
            } onGracefulShutdown: {
                stopping.store(true, ordering: .relaxed)
            }
            try await writer.write(ByteBuffer(string: "--\(MJPEGPart.boundary)--\r\n"))
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: MJPEGPart.contentType, .cacheControl: "no-cache, no-store, must-revalidate", .xAccelBuffering: "no"],
            body: body
        )
    }

    private static func part(_ frame: ClipFile.Frame) -> ByteBuffer {
        let head = "--\(MJPEGPart.boundary)\r\nContent-Type: image/jpeg\r\nContent-Length: \(frame.jpeg.count)\r\nX-Timestamp: \(frame.timestamp.headerValue)\r\n\r\n"
        var buffer = ByteBufferAllocator().buffer(capacity: head.utf8.count + frame.jpeg.count + 2)
        buffer.writeString(head)
        buffer.writeBytes(frame.jpeg)
        buffer.writeStaticString("\r\n")
        return buffer
    }
}
