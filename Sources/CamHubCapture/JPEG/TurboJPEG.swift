import CTurboJPEG

/// What the decoders built on libjpeg-turbo share (`JPEGScaler`, `LumaDecoder`): the header
/// read, and the sizes its DCT scaling can decode to directly.
enum TurboJPEG {
    /// Width, height and chroma subsampling of a JPEG, or the library's own error.
    static func header(of jpeg: [UInt8], with handle: tjhandle) throws -> (width: Int, height: Int, subsampling: Int32) {
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = jpeg.withUnsafeBufferPointer { buffer in
            tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
        }
        guard status == 0, width > 0, height > 0 else { throw JPEGError(message: String(cString: tjGetErrorStr2(handle))) }
        return (Int(width), Int(height), subsampling)
    }

    /// Every scaling factor the library decodes to directly (1/8 up to 2/1).
    static func scalingFactors() -> [tjscalingfactor] {
        var count: Int32 = 0
        let factors = tjGetScalingFactors(&count)
        return (0..<Int(count)).map { factors![$0] }
    }

    /// A dimension decoded at `factor`, rounded up as libjpeg-turbo does.
    static func scaled(_ dimension: Int, _ factor: tjscalingfactor) -> Int {
        (dimension * Int(factor.num) + Int(factor.denom) - 1) / Int(factor.denom)
    }
}
