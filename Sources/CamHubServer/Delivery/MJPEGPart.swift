import CamHubCore
import NIOCore

/// One frame as it goes on the wire inside an MJPEG response: an HTTP/1.1 chunk holding one whole
/// multipart part (boundary line, headers, JPEG, CRLF).
///
/// It is built once per frame, in one buffer, and the same buffer is written to every viewer, so
/// the JPEG is copied once per frame, not once per viewer (TOOLCHAIN.md measured the difference).
/// The chunk framing is included because the fan-out writes below Hummingbird's HTTP encoder; a
/// streamed response without Content-Length is always chunked there.
enum MJPEGPart: FrameDerivation {
    typealias Value = ByteBuffer

    static let boundary = "frame"
    static let contentType = "multipart/x-mixed-replace; boundary=\(boundary)"
    /// The last chunk of a chunked body.
    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")

    static func make(_ frame: Frame, jpeg: [UInt8]) -> ByteBuffer {
        let head = "--\(boundary)\r\nContent-Type: image/jpeg\r\nContent-Length: \(jpeg.count)\r\nX-Timestamp: \(frame.timestamp.headerValue)\r\nX-Frame-Sequence: \(frame.sequence)\r\n\r\n"
        let partLength = head.utf8.count + jpeg.count + 2
        let chunkHead = String(partLength, radix: 16) + "\r\n"
        var buffer = ByteBufferAllocator().buffer(capacity: chunkHead.utf8.count + partLength + 2)
        buffer.writeString(chunkHead)
        buffer.writeString(head)
        buffer.writeBytes(jpeg)
        buffer.writeStaticString("\r\n\r\n")  // the part's CRLF, then the chunk's
        return buffer
    }

    private struct ScaledKey: Hashable {
        let size: FrameSize
    }

    /// The chunk for `frame` at its own size, or at `size`; nil when the frame cannot be scaled.
    static func chunk(_ frame: Frame, size: FrameSize? = nil) -> ByteBuffer? {
        guard let size, size.width != frame.width || size.height != frame.height else {
            return frame.derived(MJPEGPart.self) { make($0, jpeg: $0.jpeg) }
        }
        return frame.derived(ScaledKey(size: size)) { frame -> ByteBuffer? in
            ScaledFrame.jpeg(frame, size: size).map { make(frame, jpeg: $0) }
        }
    }
}

/// A frame's JPEG as a `ByteBuffer`, shared by every snapshot request for that frame.
enum JPEGBuffer: FrameDerivation {
    typealias Value = ByteBuffer

    static func of(_ frame: Frame) -> ByteBuffer {
        frame.derived(JPEGBuffer.self) { ByteBufferAllocator().buffer(bytes: $0.jpeg) }
    }
}
