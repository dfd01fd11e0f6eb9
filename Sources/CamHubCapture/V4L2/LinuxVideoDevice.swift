import CV4L2
import Glibc

/// A real `/dev/videoN`, through the V4L2 ioctls and mmap streaming.
///
/// Not tried on hardware in CI (the machines have no camera); `camhub devices` and a camera's
/// `/dev/videoN` source use it. One instance belongs to one capture thread.
public final class LinuxVideoDevice: VideoDevice {
    public let path: String
    private let fd: Int32
    private var mapped: [UnsafeMutableRawBufferPointer] = []
    private var streaming = false

    /// Opens the device without blocking on reads (readiness comes from `poll`).
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw VideoDeviceError("cannot open \(path): \(Self.errorText())") }
        self.fd = fd
    }

    deinit {
        stopStreaming()
        close(fd)
    }

    public func capabilities() throws -> VideoDeviceCapabilities {
        var capability = v4l2_capability()
        try request(camhub_VIDIOC_QUERYCAP(), &capability, "VIDIOC_QUERYCAP")
        // A device node of a multi-node driver reports its own caps in device_caps.
        let caps = capability.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0 ? capability.device_caps : capability.capabilities
        return VideoDeviceCapabilities(
            driver: Self.string(capability.driver), card: Self.string(capability.card), busInfo: Self.string(capability.bus_info),
            canCapture: caps & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0, canStream: caps & UInt32(V4L2_CAP_STREAMING) != 0
        )
    }

    public func formats() throws -> [VideoFormatDescription] {
        var formats: [VideoFormatDescription] = []
        for index in 0..<64 {
            var description = v4l2_fmtdesc()
            description.index = UInt32(index)
            description.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            guard camhub_v4l2_ioctl(fd, camhub_VIDIOC_ENUM_FMT(), &description) == 0 else { break }
            formats.append(VideoFormatDescription(format: FourCC(rawValue: description.pixelformat), description: Self.string(description.description)))
        }
        return formats
    }

    public func frameSizes(of format: FourCC) throws -> [VideoFrameSize] {
        var sizes: [VideoFrameSize] = []
        for index in 0..<128 {
            var size = v4l2_frmsizeenum()
            size.index = UInt32(index)
            size.pixel_format = format.rawValue
            guard camhub_v4l2_ioctl(fd, camhub_VIDIOC_ENUM_FRAMESIZES(), &size) == 0,
                size.type == V4L2_FRMSIZE_TYPE_DISCRETE.rawValue
            else { break }
            sizes.append(VideoFrameSize(width: Int(size.discrete.width), height: Int(size.discrete.height)))
        }
        return sizes
    }

    public func setFormat(_ format: FourCC, size: VideoFrameSize) throws -> NegotiatedVideoFormat {
        var requested = v4l2_format()
        requested.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        requested.fmt.pix.width = UInt32(size.width)
        requested.fmt.pix.height = UInt32(size.height)
        requested.fmt.pix.pixelformat = format.rawValue
        requested.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        try request(camhub_VIDIOC_S_FMT(), &requested, "VIDIOC_S_FMT \(format) \(size)")
        let pix = requested.fmt.pix
        return NegotiatedVideoFormat(
            format: FourCC(rawValue: pix.pixelformat), size: VideoFrameSize(width: Int(pix.width), height: Int(pix.height)),
            bytesPerLine: Int(pix.bytesperline)
        )
    }

    public func setFrameRate(_ fps: Int) throws {
        var parameters = v4l2_streamparm()
        parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        parameters.parm.capture.timeperframe = v4l2_fract(numerator: 1, denominator: UInt32(max(1, fps)))
        // Drivers without V4L2_CAP_TIMEPERFRAME refuse this; they run at their own rate.
        _ = camhub_v4l2_ioctl(fd, camhub_VIDIOC_S_PARM(), &parameters)
    }

    public func startStreaming(bufferCount: Int) throws {
        var buffers = v4l2_requestbuffers()
        buffers.count = UInt32(bufferCount)
        buffers.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffers.memory = V4L2_MEMORY_MMAP.rawValue
        try request(camhub_VIDIOC_REQBUFS(), &buffers, "VIDIOC_REQBUFS")
        guard buffers.count >= 1 else { throw VideoDeviceError("\(path) gave no mmap buffers") }
        for index in 0..<Int(buffers.count) {
            var buffer = captureBuffer(index: index)
            try request(camhub_VIDIOC_QUERYBUF(), &buffer, "VIDIOC_QUERYBUF")
            let memory = mmap(nil, Int(buffer.length), PROT_READ | PROT_WRITE, MAP_SHARED, fd, off_t(camhub_v4l2_buffer_offset(&buffer)))
            guard let memory, memory != MAP_FAILED else { throw VideoDeviceError("mmap of \(path) failed: \(Self.errorText())") }
            mapped.append(UnsafeMutableRawBufferPointer(start: memory, count: Int(buffer.length)))
            try request(camhub_VIDIOC_QBUF(), &buffer, "VIDIOC_QBUF")
        }
        var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
        try request(camhub_VIDIOC_STREAMON(), &type, "VIDIOC_STREAMON")
        streaming = true
    }

    public func dequeue(timeoutMilliseconds: Int) throws -> VideoBuffer? {
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let count = poll(&ready, 1, Int32(timeoutMilliseconds))
        if count < 0, errno == EINTR { return nil }
        guard count >= 0 else { throw VideoDeviceError("poll on \(path) failed: \(Self.errorText())") }
        guard count > 0 else { return nil }
        if ready.revents & Int16(POLLERR | POLLHUP) != 0 { throw VideoDeviceError("\(path) went away") }
        var buffer = captureBuffer(index: 0)
        guard camhub_v4l2_ioctl(fd, camhub_VIDIOC_DQBUF(), &buffer) == 0 else {
            if errno == EAGAIN { return nil }
            throw VideoDeviceError("VIDIOC_DQBUF on \(path) failed: \(Self.errorText())")
        }
        let memory = mapped[Int(buffer.index)]
        return VideoBuffer(
            index: Int(buffer.index), bytes: UnsafeRawBufferPointer(rebasing: memory[0..<min(Int(buffer.bytesused), memory.count)]),
            isDamaged: buffer.flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0
        )
    }

    public func requeue(_ videoBuffer: VideoBuffer) throws {
        var buffer = captureBuffer(index: videoBuffer.index)
        try request(camhub_VIDIOC_QBUF(), &buffer, "VIDIOC_QBUF")
    }

    public func stopStreaming() {
        if streaming {
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            _ = camhub_v4l2_ioctl(fd, camhub_VIDIOC_STREAMOFF(), &type)
            streaming = false
        }
        for memory in mapped { munmap(memory.baseAddress, memory.count) }
        if !mapped.isEmpty {
            mapped = []
            var release = v4l2_requestbuffers()
            release.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            release.memory = V4L2_MEMORY_MMAP.rawValue
            _ = camhub_v4l2_ioctl(fd, camhub_VIDIOC_REQBUFS(), &release)
        }
    }

    // MARK: Helpers

    private func captureBuffer(index: Int) -> v4l2_buffer {
        var buffer = v4l2_buffer()
        buffer.index = UInt32(index)
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        return buffer
    }

    /// One ioctl on a kernel struct; a failure names the request.
    private func request<Argument>(_ request: UInt, _ argument: inout Argument, _ name: String) throws {
        let result = withUnsafeMutableBytes(of: &argument) { camhub_v4l2_ioctl(fd, request, $0.baseAddress) }
        guard result == 0 else {
            throw VideoDeviceError("\(name) on \(path) failed: \(Self.errorText())")
        }
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }

    /// A fixed-size, NUL-padded C string field.
    private static func string<Field>(_ field: Field) -> String {
        withUnsafeBytes(of: field) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
