import Foundation
import Synchronization

/// The moment a frame entered the hub, in microseconds since the Unix epoch.
public struct FrameTimestamp: Sendable, Hashable, Comparable {
    public let microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    public static func now() -> FrameTimestamp {
        FrameTimestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }

    public var seconds: Double { Double(microseconds) / 1_000_000 }

    /// `seconds.micros`, the form mjpg-streamer puts in `X-Timestamp`.
    public var headerValue: String {
        let whole = microseconds / 1_000_000
        let fraction = microseconds % 1_000_000
        let digits = String(fraction)
        return "\(whole)." + String(repeating: "0", count: 6 - digits.count) + digits
    }

    public static func < (lhs: FrameTimestamp, rhs: FrameTimestamp) -> Bool {
        lhs.microseconds < rhs.microseconds
    }
}

/// One JPEG picture from a camera, as the hub holds it.
///
/// A frame is immutable and shared: every viewer of a camera gets the same instance, so the
/// JPEG bytes are never copied per viewer. Delivery paths that need the frame in another shape
/// (a whole MJPEG part, a base64 string) compute it once through `derived(_:make:)`, and every
/// other viewer reuses that result until the frame is dropped.
public final class Frame: Sendable {
    public let cameraID: CameraID
    /// Increases by one per frame published to the camera's feed, starting at 1.
    public let sequence: UInt64
    public let jpeg: [UInt8]
    public let width: Int
    public let height: Int
    public let timestamp: FrameTimestamp

    private let derivedValues = Mutex<[ObjectIdentifier: any Sendable]>([:])

    public init(cameraID: CameraID, sequence: UInt64, jpeg: [UInt8], width: Int, height: Int, timestamp: FrameTimestamp) {
        self.cameraID = cameraID
        self.sequence = sequence
        self.jpeg = jpeg
        self.width = width
        self.height = height
        self.timestamp = timestamp
    }

    public var byteCount: Int { jpeg.count }

    /// Returns the value derived from this frame for `Key`, computing it at most once per frame.
    ///
    /// The computation runs under the frame's lock, so concurrent viewers wait for the first one
    /// instead of repeating the work.
    public func derived<Key: FrameDerivation>(_ key: Key.Type, make: (Frame) -> Key.Value) -> Key.Value {
        derivedValues.withLock { values in
            if let cached = values[ObjectIdentifier(key)] as? Key.Value {
                return cached
            }
            let value = make(self)
            values[ObjectIdentifier(key)] = value
            return value
        }
    }
}

/// Names one derived representation of a frame, such as a finished MJPEG part.
public protocol FrameDerivation {
    associatedtype Value: Sendable
}
