import CTurboJPEG

/// Makes a JPEG of another size from a JPEG: decode with libjpeg-turbo's DCT scaling (it decodes
/// straight to 1/2, 1/4 or 1/8 size, far cheaper than a full decode), resize the rest of the way
/// bilinearly, and encode. The result is exactly the size asked for (the picture is stretched when
/// the aspect ratio differs, as seed 004's 320x320 frame is).
///
/// One scaler owns its TurboJPEG handles, so it is meant for one task or thread at a time.
public final class JPEGScaler {
    private let decoder: tjhandle
    private let encoder: tjhandle
    private let scalingFactors: [tjscalingfactor]

    public init() {
        guard let decoder = tjInitDecompress(), let encoder = tjInitCompress() else {
            preconditionFailure("libjpeg-turbo could not create a codec")
        }
        self.decoder = decoder
        self.encoder = encoder
        var count: Int32 = 0
        let factors = tjGetScalingFactors(&count)
        scalingFactors = (0..<Int(count)).map { factors![$0] }
    }

    deinit {
        tjDestroy(decoder)
        tjDestroy(encoder)
    }

    /// Width and height of a JPEG as libjpeg-turbo reads them.
    public func dimensions(of jpeg: [UInt8]) throws -> (width: Int, height: Int) {
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = jpeg.withUnsafeBufferPointer { buffer in
            tjDecompressHeader3(decoder, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
        }
        guard status == 0 else { throw JPEGError(message: String(cString: tjGetErrorStr2(decoder))) }
        return (Int(width), Int(height))
    }

    public func scale(_ jpeg: [UInt8], toWidth width: Int, height: Int, quality: Int = 80) throws -> [UInt8] {
        let source = try dimensions(of: jpeg)
        // The smallest DCT-scaled size that is still at least the target in both directions.
        let factor = scalingFactors
            .filter { scaled(source.width, $0) >= width && scaled(source.height, $0) >= height }
            .min { scaled(source.width, $0) < scaled(source.width, $1) }
        let decodedWidth = factor.map { scaled(source.width, $0) } ?? source.width
        let decodedHeight = factor.map { scaled(source.height, $0) } ?? source.height
        var decoded = [UInt8](repeating: 0, count: decodedWidth * decodedHeight * 3)
        let status = jpeg.withUnsafeBufferPointer { input in
            decoded.withUnsafeMutableBufferPointer { output in
                tjDecompress2(
                    decoder, input.baseAddress, UInt(input.count), output.baseAddress, Int32(decodedWidth), 0,
                    Int32(decodedHeight), Int32(TJPF_RGB.rawValue), TJFLAG_FASTDCT
                )
            }
        }
        guard status == 0 else { throw JPEGError(message: String(cString: tjGetErrorStr2(decoder))) }
        let resized = (decodedWidth, decodedHeight) == (width, height)
            ? decoded
            : Self.resize(decoded, width: decodedWidth, height: decodedHeight, toWidth: width, height: height)
        return try encode(rgb: resized, width: width, height: height, quality: quality)
    }

    private func scaled(_ dimension: Int, _ factor: tjscalingfactor) -> Int {
        (dimension * Int(factor.num) + Int(factor.denom) - 1) / Int(factor.denom)
    }

    private func encode(rgb: [UInt8], width: Int, height: Int, quality: Int) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = rgb.withUnsafeBufferPointer { input in
            tjCompress2(
                encoder, input.baseAddress, Int32(width), 0, Int32(height), Int32(TJPF_RGB.rawValue),
                &output, &size, Int32(TJSAMP_420.rawValue), Int32(quality), TJFLAG_FASTDCT
            )
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else { throw JPEGError(message: String(cString: tjGetErrorStr2(encoder))) }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    /// Bilinear resize of packed RGB.
    static func resize(_ pixels: [UInt8], width: Int, height: Int, toWidth newWidth: Int, height newHeight: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        let xRatio = Double(max(width - 1, 0)) / Double(max(newWidth - 1, 1))
        let yRatio = Double(max(height - 1, 0)) / Double(max(newHeight - 1, 1))
        pixels.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                for y in 0..<newHeight {
                    let sy = Double(y) * yRatio
                    let y0 = Int(sy), y1 = min(y0 + 1, height - 1)
                    let fy = sy - Double(y0)
                    for x in 0..<newWidth {
                        let sx = Double(x) * xRatio
                        let x0 = Int(sx), x1 = min(x0 + 1, width - 1)
                        let fx = sx - Double(x0)
                        for channel in 0..<3 {
                            let a = Double(src[(y0 * width + x0) * 3 + channel]), b = Double(src[(y0 * width + x1) * 3 + channel])
                            let c = Double(src[(y1 * width + x0) * 3 + channel]), d = Double(src[(y1 * width + x1) * 3 + channel])
                            let top = a + (b - a) * fx, bottom = c + (d - c) * fx
                            dst[(y * newWidth + x) * 3 + channel] = UInt8(clamping: Int((top + (bottom - top) * fy).rounded()))
                        }
                    }
                }
            }
        }
        return output
    }
}
