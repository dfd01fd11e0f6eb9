/// What a camera's `source` string names: the one place that reads those strings.
public enum SourceKind: Sendable, Equatable {
    /// `testpattern`: the built-in moving picture.
    case testPattern
    /// `file:<folder>`: a folder of JPEGs replayed at the camera's fps.
    case folder(path: String)
    /// `http://…`, `https://…`: an MJPEG stream, passed through.
    case httpMJPEG(url: String)
    /// `rtsp://…`, `rtsps://…`, or `ffmpeg:<anything ffmpeg opens>`.
    case ffmpeg(input: String)
    /// `/dev/videoN` or `v4l2:<device path>`: a Video4Linux2 device, read natively.
    case v4l2(device: String)

    /// Nil for a string no source understands.
    public init?(_ source: String) {
        if source == "testpattern" {
            self = .testPattern
        } else if let path = Self.rest(of: source, after: "file:") {
            self = .folder(path: path)
        } else if source.hasPrefix("http://") || source.hasPrefix("https://") {
            guard Self.hasHost(source) else { return nil }
            self = .httpMJPEG(url: source)
        } else if source.hasPrefix("rtsp://") || source.hasPrefix("rtsps://") {
            guard Self.hasHost(source) else { return nil }
            self = .ffmpeg(input: source)
        } else if let input = Self.rest(of: source, after: "ffmpeg:") {
            // Never an option to ffmpeg: its input is the argument after `-i`, but one that starts
            // with `-` is refused anyway.
            guard !input.hasPrefix("-") else { return nil }
            self = .ffmpeg(input: input)
        } else if let device = Self.rest(of: source, after: "v4l2:") {
            self = .v4l2(device: device)
        } else if source.hasPrefix("/dev/video"), source.count > "/dev/video".count {
            self = .v4l2(device: source)
        } else {
            return nil
        }
    }

    /// The schemes of the sources that read the network, not this machine.
    public static let networkSchemes = ["http", "https", "rtsp", "rtsps"]

    /// The source reads this machine's files (a folder, or anything but a network URL through
    /// ffmpeg): whatever it reads is served to anyone who may watch the camera, so only the config
    /// file may name one (or the API with `sources.allow_local`). A V4L2 device is not: it is read
    /// only when the kernel answers it is a video capture device (seed 001's `/dev/video0`).
    public var readsLocalFiles: Bool {
        switch self {
        case .testPattern, .httpMJPEG, .v4l2: false
        case .folder: true
        case .ffmpeg(let input): !Self.isNetwork(input)
        }
    }

    public static func isNetwork(_ input: String) -> Bool {
        networkSchemes.contains { input.lowercased().hasPrefix("\($0)://") }
    }

    private static func rest(of source: String, after prefix: String) -> String? {
        guard source.hasPrefix(prefix), source.count > prefix.count else { return nil }
        return String(source.dropFirst(prefix.count))
    }

    private static func hasHost(_ source: String) -> Bool {
        URLCredentials(source)?.hostAndPort.isEmpty == false
    }
}
