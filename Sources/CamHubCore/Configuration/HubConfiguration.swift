/// Everything `camhub serve` can be configured with. Each section keeps its defaults beside its
/// fields, so the first-run config file and this file say the same thing.
public struct HubConfiguration: Sendable, Equatable {
    public var server = ServerSettings()
    public var logging = LoggingSettings()
    public var hub = HubSettings()
    public var registration = RegistrationSettings()
    public var vlm = VisionModelSettings()
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
    /// Base URL for links the hub hands out (such as a registered camera's endpoints); nil means
    /// "from the request's Host header".
    public var publicURL: String? = nil
    /// Requests from 127.0.0.0/8 and ::1 may skip operator credentials (PRODUCT.md, security stance).
    public var trustLoopback = true
    /// Largest request body the hub reads, in bytes (a base64 frame is a third larger than the JPEG).
    public var maxBodyBytes = 12 * 1024 * 1024

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
    /// Largest JPEG the hub accepts from any camera, in bytes.
    public var maxFrameBytes = 8 * 1024 * 1024
    /// Seconds without a heartbeat or a frame after which a camera counts as inactive.
    public var inactiveAfter = 300

    public init() {}
}

/// The vision-language model for `caption` and `vqa`: any OpenAI-compatible chat-completions server
/// (llama.cpp, Ollama, vLLM). With no `url` the hub answers such requests with a clear 503.
public struct VisionModelSettings: Sendable, Equatable {
    /// Base URL, such as `http://127.0.0.1:8081/v1`; `{url}/chat/completions` is called.
    public var url: String? = nil
    public var model: String? = nil
    public var apiKey: String? = nil
    public var timeoutSeconds = 30
    /// Analyses running at once; more wait, newest frame per camera first.
    public var maxConcurrency = 2
    public var captionPrompt = "Describe this image in one sentence."

    public init() {}
}

/// Self-registration (seed 000), open by design so existing cameras keep working.
public struct RegistrationSettings: Sendable, Equatable {
    /// A shared enrollment token; when set, `POST /register` without it is refused.
    public var token: String? = nil

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
        case server, logging, hub, registration, vlm, cameras
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        server = try c.value(.server, default: server)
        logging = try c.value(.logging, default: logging)
        hub = try c.value(.hub, default: hub)
        registration = try c.value(.registration, default: registration)
        vlm = try c.value(.vlm, default: vlm)
        cameras = try c.value(.cameras, default: cameras)
    }
}

extension ServerSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port
        case publicURL = "public_url"
        case trustLoopback = "trust_loopback"
        case maxBodyBytes = "max_body_bytes"
    }

    /// Written out so `public_url` appears as `null` in the first-run file rather than missing.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(host, forKey: .host)
        try c.encode(port, forKey: .port)
        try c.encode(publicURL, forKey: .publicURL)
        try c.encode(trustLoopback, forKey: .trustLoopback)
        try c.encode(maxBodyBytes, forKey: .maxBodyBytes)
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        host = try c.value(.host, default: host)
        port = try c.value(.port, default: port)
        publicURL = try c.value(.publicURL, default: publicURL)
        trustLoopback = try c.value(.trustLoopback, default: trustLoopback)
        maxBodyBytes = try c.value(.maxBodyBytes, default: maxBodyBytes)
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
        case maxFrameBytes = "max_frame_bytes"
        case inactiveAfter = "inactive_after"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        ringSize = try c.value(.ringSize, default: ringSize)
        maxFrameBytes = try c.value(.maxFrameBytes, default: maxFrameBytes)
        inactiveAfter = try c.value(.inactiveAfter, default: inactiveAfter)
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

extension RegistrationSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case token
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        token = try c.value(.token, default: token)
    }

    /// Written out so `token` appears as `null` in the first-run file rather than missing.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(token, forKey: .token)
    }
}

extension VisionModelSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, model
        case apiKey = "api_key"
        case timeoutSeconds = "timeout_seconds"
        case maxConcurrency = "max_concurrency"
        case captionPrompt = "caption_prompt"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        url = try c.value(.url, default: url)
        model = try c.value(.model, default: model)
        apiKey = try c.value(.apiKey, default: apiKey)
        timeoutSeconds = try c.value(.timeoutSeconds, default: timeoutSeconds)
        maxConcurrency = try c.value(.maxConcurrency, default: maxConcurrency)
        captionPrompt = try c.value(.captionPrompt, default: captionPrompt)
    }

    /// Written out so unset values appear as `null` in the first-run file rather than missing.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
        try c.encode(model, forKey: .model)
        try c.encode(apiKey, forKey: .apiKey)
        try c.encode(timeoutSeconds, forKey: .timeoutSeconds)
        try c.encode(maxConcurrency, forKey: .maxConcurrency)
        try c.encode(captionPrompt, forKey: .captionPrompt)
    }
}
