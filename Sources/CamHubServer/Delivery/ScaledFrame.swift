import CamHubCapture
import CamHubCore

/// A frame at another size (`?size=WxH`, seed 004's 320x320 small frame).
///
/// It is computed lazily, the first time someone asks for that size of that frame, and kept on
/// the frame for everyone else who asks; a size nobody asks for costs nothing.
struct FrameSize: Hashable, Sendable {
    let width: Int
    let height: Int

    /// Seed 004's small frame.
    static let small = FrameSize(width: 320, height: 320)
}

enum ScaledFrame {
    static let quality = 80

    private struct Key: Hashable {
        let size: FrameSize
    }

    /// The frame's JPEG at `size`, or nil when the frame cannot be decoded.
    static func jpeg(_ frame: Frame, size: FrameSize?) -> [UInt8]? {
        guard let size, size.width != frame.width || size.height != frame.height else { return frame.jpeg }
        return frame.derived(Key(size: size)) { frame -> [UInt8]? in
            try? JPEGScaler().scale(frame.jpeg, toWidth: size.width, height: size.height, quality: quality)
        }
    }
}
