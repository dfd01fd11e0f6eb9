/// Everything `camhub serve` can be configured with. Each section keeps its defaults beside its
/// fields, so the first-run config file and this file say the same thing.
public struct HubConfiguration: Sendable, Equatable {
    public var server = ServerSettings()
    public var logging = LoggingSettings()
    public var hub = HubSettings()
    /// Cameras the hub captures itself. When the list is empty the built-in test pattern is used.
    public var cameras: [LocalCameraSettings] = [.defaultTestPattern]

    public init() {}

    /// The cameras to run: the configured ones, or the test pattern when none is named.
    public var effectiveCameras: [LocalCameraSettings] {
        cameras.isEmpty ? [.defaultTestPattern] : cameras
    }
}

public struct ServerSettings: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Base URL used in links the hub hands out; nil means "from the request's Host header".
    public var publicURL: String? = nil
    /// Requests from 127.0.0.0/8 and ::1 may skip credentials (PRODUCT.md, security stance).
    public var trustLoopback = true
    /// Largest request body the hub reads, in bytes.
    public var maxBodyBytes = 8 * 1024 * 1024

    public init() {}
}

public struct LoggingSettings: Sendable, Equatable {
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public var level = "info"
    /// Log file, relative to the data dir unless absolute. Empty means console only.
    public var file = "camhub.log"

    public init() {}
}

public struct HubSettings: Sendable, Equatable {
    /// Recent frames kept per camera, besides the newest.
    public var ringSize = 8
    /// Largest JPEG the hub accepts from any source, in bytes.
    public var maxFrameBytes = 8 * 1024 * 1024

    public init() {}
}

/// A camera the hub captures itself, as declared under `cameras` in the config.
public struct LocalCameraSettings: Sendable, Equatable {
    public var id: CameraID
    public var name: String
    public var location = ""
    /// `testpattern` for now; later issues add URLs, devices and files.
    public var source = "testpattern"
    public var width = 640
    public var height = 480
    public var fps = 15
    public var jpegQuality = 80

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
