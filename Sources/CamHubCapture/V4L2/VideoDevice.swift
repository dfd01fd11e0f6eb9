/// A Video4Linux2 capture device, as far as camhub uses one: what it is, which formats and sizes it
/// offers, and mmap streaming (fill buffers, take the next filled one, give it back).
///
/// `LinuxVideoDevice` does this with ioctls on `/dev/videoN`. Tests use a fake, because these
/// machines have no camera: the capture logic (`V4L2Capture`) only ever sees this protocol.
public protocol VideoDevice: AnyObject {
    var path: String { get }
    func capabilities() throws -> VideoDeviceCapabilities
    /// The pixel formats the device offers for capture, in the driver's order.
    func formats() throws -> [VideoFormatDescription]
    /// The discrete frame sizes of one format; empty when the driver takes any size in a range.
    func frameSizes(of format: FourCC) throws -> [VideoFrameSize]
    /// Asks for a format and size; the driver answers with what it will really deliver.
    func setFormat(_ format: FourCC, size: VideoFrameSize) throws -> NegotiatedVideoFormat
    /// Asks for a frame rate; drivers that cannot set one are left at theirs.
    func setFrameRate(_ fps: Int) throws
    /// Maps `bufferCount` buffers, queues them all and starts the stream.
    func startStreaming(bufferCount: Int) throws
    /// The next filled buffer, or nil when none is ready within `timeoutMilliseconds`. Its bytes
    /// stay valid until the buffer is given back with `requeue`.
    func dequeue(timeoutMilliseconds: Int) throws -> VideoBuffer?
    func requeue(_ buffer: VideoBuffer) throws
    /// Stops the stream and unmaps the buffers; safe to call more than once.
    func stopStreaming()
}

/// A V4L2 pixel format code, such as `MJPG` or `YUYV`.
public struct FourCC: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    public init(_ code: StaticString) {
        precondition(code.utf8CodeUnitCount == 4, "a fourcc has four characters")
        let bytes = code.utf8Start
        rawValue = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    public static let mjpeg = FourCC("MJPG")
    public static let jpeg = FourCC("JPEG")
    public static let yuyv = FourCC("YUYV")

    public var description: String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: rawValue >> ($0 * 8)) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

public struct VideoFrameSize: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)x\(height)" }
}

public struct VideoDeviceCapabilities: Sendable, Equatable {
    public var driver: String
    public var card: String
    public var busInfo: String
    public var canCapture: Bool
    public var canStream: Bool

    public init(driver: String, card: String, busInfo: String, canCapture: Bool, canStream: Bool) {
        self.driver = driver
        self.card = card
        self.busInfo = busInfo
        self.canCapture = canCapture
        self.canStream = canStream
    }
}

public struct VideoFormatDescription: Sendable, Equatable {
    public var format: FourCC
    public var description: String

    public init(format: FourCC, description: String) {
        self.format = format
        self.description = description
    }
}

/// What the driver agreed to deliver.
public struct NegotiatedVideoFormat: Sendable, Equatable {
    public var format: FourCC
    public var size: VideoFrameSize
    /// Bytes from one row to the next (YUYV: at least twice the width).
    public var bytesPerLine: Int

    public init(format: FourCC, size: VideoFrameSize, bytesPerLine: Int) {
        self.format = format
        self.size = size
        self.bytesPerLine = bytesPerLine
    }
}

/// One filled buffer, lent by the device until `requeue`.
public struct VideoBuffer {
    public var index: Int
    public var bytes: UnsafeRawBufferPointer
    /// The driver flagged the frame as damaged.
    public var isDamaged: Bool

    public init(index: Int, bytes: UnsafeRawBufferPointer, isDamaged: Bool = false) {
        self.index = index
        self.bytes = bytes
        self.isDamaged = isDamaged
    }
}

public struct VideoDeviceError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
