/// A picture's luminance, one byte per pixel, row after row: what motion is computed on. It is
/// small on purpose (a JPEG decoded at 1/4 or 1/8 of its size), never the full frame.
public struct LumaPlane: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "a plane holds width x height pixels")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A plane of one shade.
    public init(width: Int, height: Int, shade: UInt8) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: shade, count: width * height))
    }

    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }
}
