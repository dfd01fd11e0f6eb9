import Foundation

// The config file's JSON shape. Keys are snake_case; a missing key keeps its default, and an
// unknown key is an error (a typo should not be silently ignored).

extension HubConfiguration: Codable {
    private static let keys = ["server", "logging", "hub", "cameras"]

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection(decoder, known: Self.keys)
        self.init()
        server = try c.value("server", default: server)
        logging = try c.value("logging", default: logging)
        hub = try c.value("hub", default: hub)
        cameras = try c.value("cameras", default: cameras)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ConfigKey.self)
        try c.encode(server, forKey: "server")
        try c.encode(logging, forKey: "logging")
        try c.encode(hub, forKey: "hub")
        try c.encode(cameras, forKey: "cameras")
    }
}

extension ServerSettings: Codable {
    private static let keys = ["host", "port", "public_url", "trust_loopback", "max_body_bytes"]

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection(decoder, known: Self.keys)
        self.init()
        host = try c.value("host", default: host)
        port = try c.value("port", default: port)
        publicURL = try c.value("public_url", default: publicURL)
        trustLoopback = try c.value("trust_loopback", default: trustLoopback)
        maxBodyBytes = try c.value("max_body_bytes", default: maxBodyBytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ConfigKey.self)
        try c.encode(host, forKey: "host")
        try c.encode(port, forKey: "port")
        try c.encode(publicURL, forKey: "public_url")
        try c.encode(trustLoopback, forKey: "trust_loopback")
        try c.encode(maxBodyBytes, forKey: "max_body_bytes")
    }
}

extension LoggingSettings: Codable {
    private static let keys = ["level", "file"]

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection(decoder, known: Self.keys)
        self.init()
        level = try c.value("level", default: level)
        file = try c.value("file", default: file)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ConfigKey.self)
        try c.encode(level, forKey: "level")
        try c.encode(file, forKey: "file")
    }
}

extension HubSettings: Codable {
    private static let keys = ["ring_size", "max_frame_bytes"]

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection(decoder, known: Self.keys)
        self.init()
        ringSize = try c.value("ring_size", default: ringSize)
        maxFrameBytes = try c.value("max_frame_bytes", default: maxFrameBytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ConfigKey.self)
        try c.encode(ringSize, forKey: "ring_size")
        try c.encode(maxFrameBytes, forKey: "max_frame_bytes")
    }
}

extension LocalCameraSettings: Codable {
    private static let keys = ["id", "name", "location", "source", "width", "height", "fps", "jpeg_quality"]

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection(decoder, known: Self.keys)
        let id: String = try c.required("id")
        self.init(id: id, name: try c.value("name", default: id))
        location = try c.value("location", default: location)
        source = try c.value("source", default: source)
        width = try c.value("width", default: width)
        height = try c.value("height", default: height)
        fps = try c.value("fps", default: fps)
        jpegQuality = try c.value("jpeg_quality", default: jpegQuality)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ConfigKey.self)
        try c.encode(id, forKey: "id")
        try c.encode(name, forKey: "name")
        try c.encode(location, forKey: "location")
        try c.encode(source, forKey: "source")
        try c.encode(width, forKey: "width")
        try c.encode(height, forKey: "height")
        try c.encode(fps, forKey: "fps")
        try c.encode(jpegQuality, forKey: "jpeg_quality")
    }
}

/// Any string as a coding key, so a section can list the keys it was given.
struct ConfigKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { self.stringValue = value }
}

/// One JSON object of the config, read key by key with defaults.
struct ConfigSection {
    let container: KeyedDecodingContainer<ConfigKey>

    init(_ decoder: any Decoder, known: [String]) throws {
        container = try decoder.container(keyedBy: ConfigKey.self)
        if let unknown = container.allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw ConfigurationError(
                key: ConfigurationLoader.dottedPath(decoder.codingPath + [unknown]),
                "unknown key; known keys here: \(known.joined(separator: ", "))"
            )
        }
    }

    func value<T: Decodable>(_ key: String, default fallback: T) throws -> T {
        let codingKey = ConfigKey(stringValue: key)
        guard container.contains(codingKey), try !container.decodeNil(forKey: codingKey) else { return fallback }
        return try container.decode(T.self, forKey: codingKey)
    }

    func required<T: Decodable>(_ key: String) throws -> T {
        try container.decode(T.self, forKey: ConfigKey(stringValue: key))
    }
}
