import CTurboJPEG

/// Makes a JPEG of another size from a JPEG: decode with libjpeg-turbo's DCT scaling (it decodes
/// straight to 1/2, 1/4 or 1/8 size, far cheaper than a full decode) into YUV planes, resize each
/// plane the rest of the way bilinearly, and encode the planes. The result is exactly the size asked for (the picture is stretched when
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
        scalingFactors = TurboJPEG.scalingFactors()
    }

    deinit {
        tjDestroy(decoder)
        tjDestroy(encoder)
    }

    /// Width and height of a JPEG as libjpeg-turbo reads them.
    public func dimensions(of jpeg: [UInt8]) throws -> (width: Int, height: Int) {
        let header = try TurboJPEG.header(of: jpeg, with: decoder)
        return (header.width, header.height)
    }

    /// The picture as packed RGB, at its own size (for checks; scaling never needs it).
    func rgb(of jpeg: [UInt8]) throws -> [UInt8] {
        let source = try TurboJPEG.header(of: jpeg, with: decoder)
        var pixels = [UInt8](repeating: 0, count: source.width * source.height * 3)
        let status = jpeg.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                tjDecompress2(
                    decoder, input.baseAddress, UInt(input.count), output.baseAddress, Int32(source.width), 0, Int32(source.height),
                    Int32(TJPF_RGB.rawValue), 0
                )
            }
        }
        guard status == 0 else { throw JPEGError(message: String(cString: tjGetErrorStr2(decoder))) }
        return pixels
    }

    /// The JPEG at `width` x `height`. It stays in YUV from decoder to encoder: no colour
    /// conversion either way, and the chroma planes are a quarter of the pixels to resize.
    public func scale(_ jpeg: [UInt8], toWidth width: Int, height: Int, quality: Int = 80) throws -> [UInt8] {
        let source = try TurboJPEG.header(of: jpeg, with: decoder)
        // The smallest DCT-scaled size that is still at least the target in both directions.
        let factor = scalingFactors
            .filter { TurboJPEG.scaled(source.width, $0) >= width && TurboJPEG.scaled(source.height, $0) >= height }
            .min { TurboJPEG.scaled(source.width, $0) < TurboJPEG.scaled(source.width, $1) }
        let decodedWidth = factor.map { TurboJPEG.scaled(source.width, $0) } ?? source.width
        let decodedHeight = factor.map { TurboJPEG.scaled(source.height, $0) } ?? source.height
        let from = PlaneLayout(width: decodedWidth, height: decodedHeight, subsampling: source.subsampling)
        let to = PlaneLayout(width: width, height: height, subsampling: source.subsampling)
        var decoded = [UInt8](repeating: 0, count: from.byteCount)
        let decodedStatus = jpeg.withUnsafeBufferPointer { input in
            decoded.withUnsafeMutableBufferPointer { buffer in
                var planes: [UnsafeMutablePointer<UInt8>?] = from.planes.map { buffer.baseAddress! + $0.offset }
                return tjDecompressToYUVPlanes(
                    decoder, input.baseAddress, UInt(input.count), &planes, Int32(decodedWidth), nil, Int32(decodedHeight), TJFLAG_FASTDCT
                )
            }
        }
        guard decodedStatus == 0 else { throw JPEGError(message: String(cString: tjGetErrorStr2(decoder))) }
        var resized = [UInt8](repeating: 0, count: to.byteCount)
        decoded.withUnsafeBufferPointer { source in
            resized.withUnsafeMutableBufferPointer { target in
                for (plane, into) in zip(from.planes, to.planes) {
                    Self.resize(
                        source.baseAddress! + plane.offset, width: plane.width, height: plane.height,
                        into: target.baseAddress! + into.offset, width: into.width, height: into.height, channels: 1
                    )
                }
            }
        }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let encodedStatus = resized.withUnsafeBufferPointer { buffer in
            var planes: [UnsafePointer<UInt8>?] = to.planes.map { buffer.baseAddress! + $0.offset }
            return tjCompressFromYUVPlanes(
                encoder, &planes, Int32(width), nil, Int32(height), source.subsampling, &output, &size, Int32(quality), TJFLAG_FASTDCT
            )
        }
        defer { if let output { tjFree(output) } }
        guard encodedStatus == 0, let output else { throw JPEGError(message: String(cString: tjGetErrorStr2(encoder))) }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    /// Where the Y, U and V planes (or the one grey plane) of a picture sit in one buffer, as
    /// libjpeg-turbo sizes them for a subsampling.
    private struct PlaneLayout {
        struct Plane {
            let offset: Int
            let width: Int
            let height: Int
        }

        let planes: [Plane]
        let byteCount: Int

        init(width: Int, height: Int, subsampling: Int32) {
            var planes: [Plane] = []
            var offset = 0
            for component in 0..<(subsampling == TJSAMP_GRAY.rawValue ? 1 : 3) {
                let planeWidth = Int(tjPlaneWidth(Int32(component), Int32(width), subsampling))
                let planeHeight = Int(tjPlaneHeight(Int32(component), Int32(height), subsampling))
                planes.append(Plane(offset: offset, width: planeWidth, height: planeHeight))
                offset += planeWidth * planeHeight
            }
            self.planes = planes
            byteCount = offset
        }
    }

    /// Bilinear resize of packed samples (`channels` per pixel: 3 for RGB, 1 for a YUV plane).
    static func resize(_ pixels: [UInt8], width: Int, height: Int, toWidth newWidth: Int, height newHeight: Int, channels: Int = 3) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: newWidth * newHeight * channels)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                resize(source.baseAddress!, width: width, height: height, into: target.baseAddress!, width: newWidth, height: newHeight, channels: channels)
            }
        }
        return output
    }

    /// The same, between buffers, in 8-bit fixed point: the source columns and weights are worked
    /// out once per column and once per row, so the inner loop is integer arithmetic only.
    static func resize(
        _ src: UnsafePointer<UInt8>, width: Int, height: Int,
        into destination: UnsafeMutablePointer<UInt8>, width newWidth: Int, height newHeight: Int, channels: Int
    ) {
        if (width, height) == (newWidth, newHeight) {
            destination.update(from: src, count: width * height * channels)
            return
        }
        // Source position of each output column: left sample offset, right sample offset, weight of the right one (0...256).
        let columns = (0..<newWidth).map { x -> (left: Int, right: Int, weight: Int) in
            let position = newWidth > 1 ? x * (width - 1) * 256 / (newWidth - 1) : 0
            let left = min(position >> 8, width - 1)
            return (left * channels, min(left + 1, width - 1) * channels, position & 0xFF)
        }
        var out = destination
        for y in 0..<newHeight {
            let position = newHeight > 1 ? y * (height - 1) * 256 / (newHeight - 1) : 0
            let top = src + min(position >> 8, height - 1) * width * channels
            let bottom = src + min((position >> 8) + 1, height - 1) * width * channels
            let down = position & 0xFF, up = 256 - down
            for column in columns {
                let right = column.weight, left = 256 - right
                for channel in 0..<channels {
                    let upper = Int(top[column.left + channel]) * left + Int(top[column.right + channel]) * right
                    let lower = Int(bottom[column.left + channel]) * left + Int(bottom[column.right + channel]) * right
                    out[channel] = UInt8(truncatingIfNeeded: (upper * up + lower * down + 32768) >> 16)
                }
                out += channels
            }
        }
    }
}
