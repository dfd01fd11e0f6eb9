public import Foundation

/// An event's clip on disk: the camera's JPEGs as they arrived (never re-encoded), each with the
/// moment it arrived. Append-only, so a crash leaves every frame written before it readable; a
/// frame cut short at the end is ignored.
///
/// Layout: the magic `CAMHUBCLIP1\n`, then per frame its timestamp (microseconds since the epoch,
/// 8 bytes big-endian), its length (4 bytes big-endian) and its bytes.
public enum ClipFile {
    public static let magic = Array("CAMHUBCLIP1\n".utf8)
    /// A frame's timestamp and length before its bytes.
    public static let frameHeaderBytes = 12

    /// One frame of a clip.
    public struct Frame: Sendable, Equatable {
        public var timestamp: FrameTimestamp
        public var jpeg: [UInt8]

        public init(timestamp: FrameTimestamp, jpeg: [UInt8]) {
            self.timestamp = timestamp
            self.jpeg = jpeg
        }
    }

    /// The bytes that add `frame` to a clip.
    public static func encode(_ frame: Frame) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(frameHeaderBytes + frame.jpeg.count)
        let micros = UInt64(bitPattern: frame.timestamp.microseconds)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: micros >> UInt64(shift))) }
        let length = UInt32(frame.jpeg.count)
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
        bytes += frame.jpeg
        return bytes
    }

    /// The frames of a clip's bytes, in the order they arrived. Stops at a frame cut short;
    /// nil when the bytes are not a clip.
    public static func decode(_ data: Data) -> [Frame]? {
        guard data.count >= magic.count, data.prefix(magic.count).elementsEqual(magic) else { return nil }
        var frames: [Frame] = []
        var offset = data.startIndex + magic.count
        while data.endIndex - offset >= frameHeaderBytes {
            var micros: UInt64 = 0
            for index in 0..<8 { micros = micros << 8 | UInt64(data[offset + index]) }
            var length = 0
            for index in 8..<12 { length = length << 8 | Int(data[offset + index]) }
            let start = offset + frameHeaderBytes
            guard data.endIndex - start >= length else { break }
            frames.append(Frame(timestamp: FrameTimestamp(microseconds: Int64(bitPattern: micros)), jpeg: Array(data[start..<start + length])))
            offset = start + length
        }
        return frames
    }
}
