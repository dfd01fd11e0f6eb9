public import CamHubCore

/// The capture logic for one V4L2 device, over the `VideoDevice` protocol so it is tested with a
/// fake device: choose a format, start mmap streaming, and turn each filled buffer into a frame.
///
/// A device offering MJPEG is passed through untouched; YUYV is encoded with libjpeg-turbo at the
/// camera's quality. Synchronous: it runs on a capture thread of its own (`V4L2Source`).
public struct V4L2Capture {
    public let settings: LocalCameraSettings
    /// A device that delivers nothing for this long has stopped; the supervisor reopens it.
    public var stallTimeout: Duration = .seconds(5)
    public static let bufferCount = 4
    /// The formats camhub reads, best first.
    public static let preferredFormats: [FourCC] = [.mjpeg, .jpeg, .yuyv]

    public init(settings: LocalCameraSettings) {
        self.settings = settings
    }

    /// MJPEG when offered, otherwise YUYV; an error naming what the device offers otherwise.
    public static func chooseFormat(from offered: [VideoFormatDescription]) throws -> FourCC {
        let codes = offered.map(\.format)
        guard let chosen = preferredFormats.first(where: codes.contains) else {
            let names = codes.isEmpty ? "none" : codes.map(\.description).joined(separator: ", ")
            throw VideoDeviceError("the device offers no format camhub reads (MJPG, JPEG or YUYV); it offers: \(names)")
        }
        return chosen
    }

    /// Checks the device, sets its format, size and rate, and starts streaming.
    public func start(_ device: any VideoDevice) throws -> NegotiatedVideoFormat {
        let capabilities = try device.capabilities()
        guard capabilities.canCapture, capabilities.canStream else {
            throw VideoDeviceError("\(device.path) (\(capabilities.card)) cannot stream video capture")
        }
        let format = try Self.chooseFormat(from: device.formats())
        let negotiated = try device.setFormat(format, size: VideoFrameSize(width: settings.width, height: settings.height))
        guard Self.preferredFormats.contains(negotiated.format) else {
            throw VideoDeviceError("\(device.path) switched to \(negotiated.format), which camhub does not read")
        }
        try device.setFrameRate(settings.fps)
        try device.startStreaming(bufferCount: Self.bufferCount)
        return negotiated
    }

    /// Streams frames into `output` until `shouldStop` says so, the device fails, or it stalls.
    public func run(_ device: any VideoDevice, into output: CaptureOutput, shouldStop: () -> Bool) throws {
        let format = try start(device)
        defer { device.stopStreaming() }
        let encoder = format.format == .yuyv ? JPEGEncoder() : nil
        var quietSince = ContinuousClock.now
        while !shouldStop() {
            guard let buffer = try device.dequeue(timeoutMilliseconds: 200) else {
                if ContinuousClock.now - quietSince > stallTimeout {
                    throw VideoDeviceError("\(device.path) delivered no frame for \(stallTimeout)")
                }
                continue
            }
            quietSince = .now
            let frame = buffer.isDamaged ? nil : self.frame(from: buffer.bytes, format: format, encoder: encoder)
            try device.requeue(buffer)
            if let frame {
                output.publish(jpeg: frame.jpeg, width: frame.width, height: frame.height)
            } else {
                output.drop()
            }
        }
    }

    /// The JPEG for one buffer, or nil when it is not a usable picture.
    func frame(from bytes: UnsafeRawBufferPointer, format: NegotiatedVideoFormat, encoder: JPEGEncoder?) -> (jpeg: [UInt8], width: Int, height: Int)? {
        if let encoder {
            guard let picture = YUYVConverter.picture(
                from: bytes, width: format.size.width, height: format.size.height, bytesPerLine: format.bytesPerLine
            ), let jpeg = try? encoder.encode(picture, quality: settings.jpegQuality) else { return nil }
            return (jpeg, format.size.width, format.size.height)
        }
        let jpeg = [UInt8](bytes)
        guard let header = JPEGHeader(jpeg) else { return nil }
        return (jpeg, header.width, header.height)
    }
}
