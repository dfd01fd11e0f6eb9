/// A camera the hub captures itself, as declared under `cameras` in the config.
public struct LocalCameraSettings: Sendable, Equatable {
    public var id: CameraID
    public var name: String
    public var location = ""
    /// `testpattern`, `file:…`, `http(s)://…` (MJPEG), `rtsp://…`, `ffmpeg:…`, `/dev/videoN` or
    /// `v4l2:/dev/videoN`.
    public var source = "testpattern"
    public var width = 640
    public var height = 480
    public var fps = 15
    public var jpegQuality = 80
    /// Start the source again when it fails (seed 001).
    public var autoReconnect = true
    /// Seconds before the first new try; each failure in a row doubles it, up to 30 s.
    public var reconnectInterval = 2.0
    /// Tries in a row before giving up; 0 tries forever.
    public var maxReconnectAttempts = 0
    /// Seconds without a frame after which the camera shows a "no signal" frame instead of its
    /// last one; 0 keeps showing the last frame.
    public var maxFrameAge = 5.0
    /// Run the source only while someone watches the camera (a stream, a snapshot, the web page).
    public var onDemand = false
    /// Motion settings that differ from the top-level `motion` ones (`enabled: true` turns it on).
    public var motion: MotionOverrides?

    public init(id: CameraID, name: String) {
        self.id = id
        self.name = name
    }

    public static let defaultTestPattern: LocalCameraSettings = {
        var camera = LocalCameraSettings(id: "testpattern", name: "Test pattern")
        camera.location = "built-in"
        return camera
    }()
}

extension LocalCameraSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, location, source, width, height, fps
        case jpegQuality = "jpeg_quality"
        case autoReconnect = "auto_reconnect"
        case reconnectInterval = "reconnect_interval"
        case maxReconnectAttempts = "max_reconnect_attempts"
        case maxFrameAge = "max_frame_age"
        case onDemand = "on_demand"
        case motion
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        let id: String = try c.required(.id)
        self.init(id: id, name: try c.value(.name, default: id))
        location = try c.value(.location, default: location)
        source = try c.value(.source, default: source)
        width = try c.value(.width, default: width)
        height = try c.value(.height, default: height)
        fps = try c.value(.fps, default: fps)
        jpegQuality = try c.value(.jpegQuality, default: jpegQuality)
        autoReconnect = try c.value(.autoReconnect, default: autoReconnect)
        reconnectInterval = try c.value(.reconnectInterval, default: reconnectInterval)
        maxReconnectAttempts = try c.value(.maxReconnectAttempts, default: maxReconnectAttempts)
        maxFrameAge = try c.value(.maxFrameAge, default: maxFrameAge)
        onDemand = try c.value(.onDemand, default: onDemand)
        motion = try c.value(.motion, default: nil)
    }

    /// The same camera as its capture sees it: motion settings change no source.
    public var capture: LocalCameraSettings {
        var capture = self
        capture.motion = nil
        return capture
    }
}
