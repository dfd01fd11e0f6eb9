public import Foundation

extension UUID {
    /// A version 4 UUID from the system's random generator (`getrandom`).
    ///
    /// Foundation's `UUID()` on Linux opens and reads `/dev/urandom` on every call: three system
    /// calls per record id, 6 % of the hub's CPU when one Socket.IO client sent 11,000 detections
    /// a second (`perf record` on `bench/lpr_events.py`). Ids made in a hot path use this instead.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes = (high & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000).bigEndian
        var tail = (low & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000).bigEndian
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { raw in
            withUnsafeBytes(of: &bytes) { raw.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 8) }
            withUnsafeBytes(of: &tail) { (raw.baseAddress! + 8).copyMemory(from: $0.baseAddress!, byteCount: 8) }
        }
        return UUID(uuid: uuid)
    }

    /// `random()` as the lower-case text the stores keep.
    public static func randomText() -> String {
        random().uuidString.lowercased()
    }
}
