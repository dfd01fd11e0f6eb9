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

    /// Reads `headerValue` back (`seconds.micros`, or whole seconds); nil for anything else.
    public init?(headerValue text: some StringProtocol) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0]), whole >= 0 else { return nil }
        var micros: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1].prefix(6)
            guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }), let value = Int64(digits) else { return nil }
            micros = value * Int64([1, 10, 100, 1000, 10000, 100000, 1_000_000][6 - digits.count])
        }
        self.init(microseconds: whole * 1_000_000 + micros)
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

    private let derivedValues = Mutex<[AnyHashable: any Sendable]>([:])

    public init(cameraID: CameraID, sequence: UInt64, jpeg: [UInt8], width: Int, height: Int, timestamp: FrameTimestamp) {
        self.cameraID = cameraID
        self.sequence = sequence
        self.jpeg = jpeg
        self.width = width
        self.height = height
        self.timestamp = timestamp
    }

    public var byteCount: Int { jpeg.count }

    /// Returns the value derived from this frame for `Key`, computing it on first use.
    ///
    /// The computation runs outside the frame's lock, so a derivation may use another derivation
    /// (a scaled MJPEG part uses the scaled JPEG). Two callers racing on a fresh frame may both
    /// compute it; the first result stored is the one everybody gets from then on.
    public func derived<Key: FrameDerivation>(_ key: Key.Type, make: (Frame) -> Key.Value) -> Key.Value {
        derived(ObjectIdentifier(key), make: make)
    }

    /// The same, for derivations that take a parameter (such as a size): `key` names both.
    public func derived<Key: Hashable & Sendable, Value: Sendable>(_ key: Key, make: (Frame) -> Value) -> Value {
        if let cached: Value = cachedValue(for: key) { return cached }
        let value = make(self)
        return derivedValues.withLock { values in
            let slot = AnyHashable(key)
            if let stored = values[slot], let earlier = stored as? Value { return earlier }
            values[slot] = value
            return value
        }
    }

    private func cachedValue<Key: Hashable & Sendable, Value: Sendable>(for key: Key) -> Value? {
        derivedValues.withLock { values in
            // Unwrap the dictionary's optional first: when `Value` is itself optional, a missing
            // entry would otherwise cast to a cached nil.
            guard let stored = values[AnyHashable(key)] else { return nil }
            return stored as? Value
        }
    }
}

/// Names one derived representation of a frame, such as a finished MJPEG part.
public protocol FrameDerivation {
    associatedtype Value: Sendable
}
