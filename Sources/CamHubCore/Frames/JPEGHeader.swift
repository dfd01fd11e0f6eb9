/// What the hub checks in a JPEG before accepting it: start and end markers and a frame header
/// giving the picture's size. It reads markers only and never decodes image data.
public struct JPEGHeader: Sendable, Equatable {
    public let width: Int
    public let height: Int

    /// Parses `bytes`; nil unless they hold SOI, a SOFn segment with a non-zero size, and EOI.
    public init?(_ bytes: some RandomAccessCollection<UInt8>) {
        let count = bytes.count
        guard count >= 4 else { return nil }
        let start = bytes.startIndex
        func byte(_ offset: Int) -> UInt8 { bytes[bytes.index(start, offsetBy: offset)] }
        guard byte(0) == 0xFF, byte(1) == 0xD8 else { return nil }
        // A JPEG may carry padding after EOI; accept EOI within the last few bytes.
        var endFound = false
        var tail = count - 2
        while tail >= max(2, count - 64) {
            if byte(tail) == 0xFF, byte(tail + 1) == 0xD9 { endFound = true; break }
            tail -= 1
        }
        guard endFound else { return nil }

        var offset = 2
        while offset + 4 <= count {
            guard byte(offset) == 0xFF else { return nil }
            let marker = byte(offset + 1)
            if marker == 0xFF { offset += 1; continue }  // fill byte
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { offset += 2; continue }  // no length
            let length = Int(byte(offset + 2)) << 8 | Int(byte(offset + 3))
            guard length >= 2, offset + 2 + length <= count else { return nil }
            let isFrameHeader = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrameHeader {
                guard length >= 7 else { return nil }
                let height = Int(byte(offset + 5)) << 8 | Int(byte(offset + 6))
                let width = Int(byte(offset + 7)) << 8 | Int(byte(offset + 8))
                guard width > 0, height > 0 else { return nil }
                self.width = width
                self.height = height
                return
            }
            if marker == 0xDA { return nil }  // scan data before any frame header
            offset += 2 + length
        }
        return nil
    }
}
