public import NIOCore

/// The seed 003 push protocol as one byte stream, independent of how the client cut it into
/// WebSocket messages:
///
///     uint32 LE camera id
///     uint32 LE token length, then that many bytes of UTF-8 token
///     then, per frame: uint32 LE length, then that many bytes of JPEG
///
/// Feed it bytes with `append(_:)` and take what they complete with `next()`. It never reserves
/// memory for a piece before checking the piece's declared length against its limit, and it holds
/// at most one piece plus the unread rest of the last appended chunk.
public struct PushStreamParser: Sendable {
    public enum Event: Sendable, Equatable {
        case cameraID(UInt32)
        case token(String)
        case frame([UInt8])
    }

    public enum Failure: Error, Sendable, Equatable {
        /// The token's declared length is over the limit.
        case tokenTooLong(length: Int, limit: Int)
        /// A frame's declared length is over the limit.
        case frameTooLarge(length: Int, limit: Int)
        /// The token bytes are not UTF-8.
        case tokenNotUTF8
    }

    public static let defaultMaxTokenBytes = 1024
    /// What a piece spanning chunks is given at first; it grows as its bytes arrive.
    static let firstReservation = 256 * 1024

    public let maxTokenBytes: Int
    public let maxFrameBytes: Int

    private enum Expecting: Sendable {
        case cameraID
        case tokenLength
        case token(length: Int)
        case frameLength
        case frame(length: Int)
        case failed(Failure)
    }

    private var expecting = Expecting.cameraID
    /// Bytes appended and not yet consumed.
    private var input = ByteBuffer()
    /// The piece being collected when it spans appended chunks.
    private var partial: [UInt8] = []

    public init(maxTokenBytes: Int = defaultMaxTokenBytes, maxFrameBytes: Int) {
        self.maxTokenBytes = maxTokenBytes
        self.maxFrameBytes = maxFrameBytes
    }

    /// Bytes held by the parser: unread input plus the partly collected piece.
    public var bufferedByteCount: Int { input.readableBytes + partial.count }

    /// True while the stream is between pieces, so ending here loses nothing.
    public var isAtPieceBoundary: Bool {
        switch expecting {
        case .frameLength, .cameraID: input.readableBytes == 0 && partial.isEmpty
        default: false
        }
    }

    public mutating func append(_ bytes: ByteBuffer) {
        if input.readableBytes == 0 {
            // The common case: the previous chunk was used up, so take this one without copying.
            input = bytes
        } else {
            var bytes = bytes
            input.writeBuffer(&bytes)
        }
    }

    /// The next complete piece, nil when more bytes are needed. After a failure every call
    /// throws the same failure.
    public mutating func next() throws(Failure) -> Event? {
        switch expecting {
        case .failed(let failure):
            throw failure
        case .cameraID:
            guard let id = readUInt32() else { return nil }
            expecting = .tokenLength
            return .cameraID(UInt32(id))
        case .tokenLength:
            guard let length = readUInt32() else { return nil }
            guard length <= maxTokenBytes else { return try fail(.tokenTooLong(length: length, limit: maxTokenBytes)) }
            expecting = .token(length: length)
            return try next()
        case .token(let length):
            guard let bytes = readPiece(length: length) else { return nil }
            guard let token = String(validating: bytes, as: UTF8.self) else { return try fail(.tokenNotUTF8) }
            expecting = .frameLength
            return .token(token)
        case .frameLength:
            guard let length = readUInt32() else { return nil }
            guard length <= maxFrameBytes else { return try fail(.frameTooLarge(length: length, limit: maxFrameBytes)) }
            expecting = .frame(length: length)
            return try next()
        case .frame(let length):
            guard let bytes = readPiece(length: length) else { return nil }
            expecting = .frameLength
            return .frame(bytes)
        }
    }

    private mutating func fail(_ failure: Failure) throws(Failure) -> Event? {
        expecting = .failed(failure)
        input = ByteBuffer()
        partial = []
        throw failure
    }

    /// A little-endian uint32, possibly assembled from several chunks.
    private mutating func readUInt32() -> Int? {
        guard let bytes = readPiece(length: 4) else { return nil }
        return Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
    }

    /// `length` bytes: straight from the input when they are all there, otherwise collected
    /// across chunks. `length` has been checked against its limit.
    private mutating func readPiece(length: Int) -> [UInt8]? {
        if partial.isEmpty, let whole = input.readBytes(length: length) {
            return whole
        }
        // Memory follows the bytes that came, never the length a client announced.
        if partial.isEmpty { partial.reserveCapacity(min(length, Self.firstReservation)) }
        let take = min(length - partial.count, input.readableBytes)
        input.withUnsafeReadableBytes { partial.append(contentsOf: $0.prefix(take)) }
        input.moveReaderIndex(forwardBy: take)
        // A chunk used up is let go at once: a socket holds its piece once, not the piece and the
        // chunk it came in.
        if input.readableBytes == 0 { input = ByteBuffer() }
        guard partial.count == length else { return nil }
        defer { partial = [] }
        return partial
    }
}
