import CTurboJPEG

/// Encodes raw pictures to JPEG with libjpeg-turbo.
///
/// One encoder owns one TurboJPEG handle and one output buffer, so it is meant for one task at a
/// time (a capture loop); it is not Sendable.
public final class JPEGEncoder {
    private let handle: tjhandle
    private var output: UnsafeMutablePointer<UInt8>?
    private var outputCapacity: UInt = 0

    public init() {
        guard let handle = tjInitCompress() else {
            preconditionFailure("libjpeg-turbo could not create a compressor")
        }
        self.handle = handle
    }

    deinit {
        if let output { tjFree(output) }
        tjDestroy(handle)
    }

    /// Encodes a YUV 4:2:0 picture given as three planes (Y at full size, U and V at half width
    /// and half height).
    public func encode(_ picture: YUV420Picture, quality: Int) throws -> [UInt8] {
        let needed = tjBufSize(Int32(picture.width), Int32(picture.height), Int32(TJSAMP_420.rawValue))
        if needed > outputCapacity {
            if let output { tjFree(output) }
            output = tjAlloc(Int32(needed))
            outputCapacity = needed
        }
        var size = outputCapacity
        let status = picture.y.withUnsafeBufferPointer { y in
            picture.u.withUnsafeBufferPointer { u in
                picture.v.withUnsafeBufferPointer { v in
                    var planes: [UnsafePointer<UInt8>?] = [y.baseAddress, u.baseAddress, v.baseAddress]
                    var strides: [Int32] = [Int32(picture.width), Int32(picture.chromaWidth), Int32(picture.chromaWidth)]
                    return tjCompressFromYUVPlanes(
                        handle, &planes, Int32(picture.width), &strides, Int32(picture.height),
                        Int32(TJSAMP_420.rawValue), &output, &size, Int32(quality), TJFLAG_NOREALLOC
                    )
                }
            }
        }
        guard status == 0, let output else {
            throw JPEGError(message: String(cString: tjGetErrorStr2(handle)))
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}

public struct JPEGError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { "JPEG: \(message)" }
}

/// A picture in planar YUV 4:2:0, the layout JPEG encoders consume without colour conversion.
public struct YUV420Picture {
    public let width: Int
    public let height: Int
    public var y: [UInt8]
    public var u: [UInt8]
    public var v: [UInt8]

    public var chromaWidth: Int { (width + 1) / 2 }
    public var chromaHeight: Int { (height + 1) / 2 }

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        y = Array(repeating: 16, count: width * height)
        u = Array(repeating: 128, count: ((width + 1) / 2) * ((height + 1) / 2))
        v = Array(repeating: 128, count: ((width + 1) / 2) * ((height + 1) / 2))
    }

    /// Paints a rectangle in one colour, clipped to the picture.
    public mutating func fill(x: Int, y top: Int, width w: Int, height h: Int, color: YUVColor) {
        let x0 = max(0, x), x1 = min(width, x + w)
        let y0 = max(0, top), y1 = min(height, top + h)
        guard x0 < x1, y0 < y1 else { return }
        let rowWidth = x1 - x0
        y.withUnsafeMutableBufferPointer { plane in
            for row in y0..<y1 {
                (plane.baseAddress! + row * width + x0).update(repeating: color.y, count: rowWidth)
            }
        }
        let cx0 = x0 / 2, cx1 = (x1 + 1) / 2, cy0 = y0 / 2, cy1 = (y1 + 1) / 2
        let stride = chromaWidth
        u.withUnsafeMutableBufferPointer { plane in
            for row in cy0..<cy1 { (plane.baseAddress! + row * stride + cx0).update(repeating: color.u, count: cx1 - cx0) }
        }
        v.withUnsafeMutableBufferPointer { plane in
            for row in cy0..<cy1 { (plane.baseAddress! + row * stride + cx0).update(repeating: color.v, count: cx1 - cx0) }
        }
    }
}

/// A colour in studio-range YUV (BT.601).
public struct YUVColor: Sendable, Equatable {
    public var y: UInt8
    public var u: UInt8
    public var v: UInt8

    public init(y: UInt8, u: UInt8, v: UInt8) {
        self.y = y
        self.u = u
        self.v = v
    }

    /// Converts an RGB colour (0...255 each).
    public init(red: Int, green: Int, blue: Int) {
        let r = Double(red), g = Double(green), b = Double(blue)
        y = UInt8(clamping: Int((16 + 0.257 * r + 0.504 * g + 0.098 * b).rounded()))
        u = UInt8(clamping: Int((128 - 0.148 * r - 0.291 * g + 0.439 * b).rounded()))
        v = UInt8(clamping: Int((128 + 0.439 * r - 0.368 * g - 0.071 * b).rounded()))
    }

    public static let black = YUVColor(red: 0, green: 0, blue: 0)
    public static let white = YUVColor(red: 255, green: 255, blue: 255)
}
