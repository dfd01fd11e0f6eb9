import CTurboJPEG
public import CamHubCore

/// A JPEG's luminance at a small size, for motion: libjpeg-turbo decodes straight to 1/8, 1/4 or
/// 1/2 of the size by DCT scaling, to grey (the chroma is never decoded), so a 640x480 frame costs
/// a fraction of a full decode and comes out 80x60. The smallest scale at least `minimumWidth`
/// wide is used.
///
/// One decoder owns its TurboJPEG handle, so it is meant for one task or thread at a time.
public final class LumaDecoder {
    public let minimumWidth: Int
    private let handle: tjhandle
    private let factors: [tjscalingfactor]

    public init(minimumWidth: Int = 80) {
        guard let handle = tjInitDecompress() else { preconditionFailure("libjpeg-turbo could not create a decoder") }
        self.handle = handle
        self.minimumWidth = minimumWidth
        factors = TurboJPEG.scalingFactors().filter { $0.num == 1 }  // 1/1, 1/2, 1/4, 1/8
    }

    deinit {
        tjDestroy(handle)
    }

    public func decode(_ jpeg: [UInt8]) throws -> LumaPlane {
        let (width, height, _) = try TurboJPEG.header(of: jpeg, with: handle)
        let factor = factors.filter { TurboJPEG.scaled(width, $0) >= min(minimumWidth, width) }.max { $0.denom < $1.denom }
            ?? tjscalingfactor(num: 1, denom: 1)
        let outWidth = TurboJPEG.scaled(width, factor), outHeight = TurboJPEG.scaled(height, factor)
        var pixels = [UInt8](repeating: 0, count: outWidth * outHeight)
        let status = jpeg.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                tjDecompress2(
                    handle, input.baseAddress, UInt(input.count), output.baseAddress, Int32(outWidth), Int32(outWidth), Int32(outHeight),
                    Int32(TJPF_GRAY.rawValue), TJFLAG_FASTDCT
                )
            }
        }
        guard status == 0 else { throw JPEGError(message: String(cString: tjGetErrorStr2(handle))) }
        return LumaPlane(width: outWidth, height: outHeight, pixels: pixels)
    }
}
