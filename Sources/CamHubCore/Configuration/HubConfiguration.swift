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
    /// Recent frames kept per camera (the newest included).
    public var ringSize = 8

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

// MARK: - The config file's JSON shape
//
// Keys are snake_case; a missing key keeps its default, and an unknown key is an error (a typo
// should not be silently ignored). Encoding is synthesized from the same `CodingKeys`, so the file
// camhub writes and the file it reads cannot drift apart.

extension HubConfiguration: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case server, logging, hub, cameras
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        server = try c.value(.server, default: server)
        logging = try c.value(.logging, default: logging)
        hub = try c.value(.hub, default: hub)
        cameras = try c.value(.cameras, default: cameras)
    }
}

extension ServerSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        host = try c.value(.host, default: host)
        port = try c.value(.port, default: port)
    }
}

extension LoggingSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case level, file
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        level = try c.value(.level, default: level)
        file = try c.value(.file, default: file)
    }
}

extension HubSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case ringSize = "ring_size"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        ringSize = try c.value(.ringSize, default: ringSize)
    }
}

extension LocalCameraSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, location, source, width, height, fps
        case jpegQuality = "jpeg_quality"
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
    }
}
