/// Turns a packed YUYV 4:2:2 picture (Y0 U Y1 V per two pixels) into planar 4:2:0, the layout the
/// JPEG encoder takes: the lumas are copied, and each chroma sample averages two rows.
enum YUYVConverter {
    static func picture(from bytes: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerLine: Int) -> YUV420Picture? {
        let stride = max(bytesPerLine, width * 2)
        guard width >= 2, height >= 1, bytes.count >= stride * (height - 1) + width * 2 else { return nil }
        var picture = YUV420Picture(width: width, height: height)
        let chromaWidth = picture.chromaWidth
        let pairs = width / 2
        picture.y.withUnsafeMutableBufferPointer { lumas in
            picture.u.withUnsafeMutableBufferPointer { us in
                picture.v.withUnsafeMutableBufferPointer { vs in
                    let source = bytes.bindMemory(to: UInt8.self)
                    for row in 0..<height {
                        let line = source.baseAddress! + row * stride
                        let luma = lumas.baseAddress! + row * width
                        for pair in 0..<pairs {
                            luma[pair * 2] = line[pair * 4]
                            luma[pair * 2 + 1] = line[pair * 4 + 2]
                        }
                        // An odd width repeats the last luma.
                        if width % 2 == 1 { luma[width - 1] = line[pairs * 4 - 2] }
                        guard row % 2 == 0 else { continue }
                        let below = row + 1 < height ? line + stride : line
                        let chromaRow = (row / 2) * chromaWidth
                        for pair in 0..<min(pairs, chromaWidth) {
                            us[chromaRow + pair] = UInt8((UInt16(line[pair * 4 + 1]) + UInt16(below[pair * 4 + 1]) + 1) / 2)
                            vs[chromaRow + pair] = UInt8((UInt16(line[pair * 4 + 3]) + UInt16(below[pair * 4 + 3]) + 1) / 2)
                        }
                    }
                }
            }
        }
        return picture
    }
}
