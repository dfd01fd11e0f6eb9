import CamHubCore
import NIOCore

/// One whole multipart part for a frame: boundary line, headers, JPEG and trailing CRLF, in one
/// buffer. It is built once per frame and the same buffer is written to every viewer, so the JPEG
/// is copied once per frame, not once per viewer (TOOLCHAIN.md measured the difference).
enum MJPEGPart: FrameDerivation {
    typealias Value = ByteBuffer

    static let boundary = "frame"
    static let contentType = "multipart/x-mixed-replace; boundary=\(boundary)"

    static func make(_ frame: Frame) -> ByteBuffer {
        let head = "--\(boundary)\r\nContent-Type: image/jpeg\r\nContent-Length: \(frame.byteCount)\r\nX-Timestamp: \(frame.timestamp.headerValue)\r\nX-Frame-Sequence: \(frame.sequence)\r\n\r\n"
        var buffer = ByteBufferAllocator().buffer(capacity: head.utf8.count + frame.byteCount + 2)
        buffer.writeString(head)
        buffer.writeBytes(frame.jpeg)
        buffer.writeStaticString("\r\n")
        return buffer
    }

    static func of(_ frame: Frame) -> ByteBuffer {
        frame.derived(MJPEGPart.self, make: make)
    }
}

/// A frame's JPEG as a `ByteBuffer`, shared by every snapshot request for that frame.
enum JPEGBuffer: FrameDerivation {
    typealias Value = ByteBuffer

    static func of(_ frame: Frame) -> ByteBuffer {
        frame.derived(JPEGBuffer.self) { ByteBufferAllocator().buffer(bytes: $0.jpeg) }
    }
}
