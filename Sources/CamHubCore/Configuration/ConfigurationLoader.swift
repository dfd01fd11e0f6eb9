public import Foundation

/// Values given on the command line; nil means "not given".
public struct ConfigurationOverrides: Sendable, Equatable {
    public var host: String?
    public var port: Int?
    public var logLevel: String?
    public var databaseURL: String?
    public var tls: TLSSettings?

    public init(host: String? = nil, port: Int? = nil, logLevel: String? = nil, databaseURL: String? = nil, tls: TLSSettings? = nil) {
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.databaseURL = databaseURL
        self.tls = tls
    }
}

/// Where `serve` keeps its files.
public struct HubPaths: Sendable, Equatable {
    public var dataDirectory: URL
    public var configFile: URL

    /// Command line, then `CAMHUB_DATA_DIR` / `CAMHUB_CONFIG`, then `./data` and `<data-dir>/camhub.json`.
    public init(dataDirectory: String?, configFile: String?, environment: [String: String]) {
        let dir = dataDirectory ?? environment["CAMHUB_DATA_DIR"] ?? "./data"
        self.dataDirectory = URL(fileURLWithPath: dir).standardizedFileURL
        let config = configFile ?? environment["CAMHUB_CONFIG"]
        self.configFile = config.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? self.dataDirectory.appendingPathComponent("camhub.json")
    }

    /// A path from the config, resolved against the data dir unless it is absolute.
    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : dataDirectory.appendingPathComponent(path)
    }
}

/// Builds the configuration in the order command line > environment > file > defaults.
public enum ConfigurationLoader {
    /// Reads the config file, writing it with every default filled in when it does not exist yet,
    /// then applies the environment and the command line, and validates the result.
    public static func load(
        paths: HubPaths, environment: [String: String], overrides: ConfigurationOverrides
    ) throws -> HubConfiguration {
        try effective(readOrCreate(paths.configFile), environment: environment, overrides: overrides)
    }

    /// The file's configuration with the environment and the command line applied, validated.
    public static func effective(
        _ file: HubConfiguration, environment: [String: String], overrides: ConfigurationOverrides
    ) throws -> HubConfiguration {
        var configuration = file
        try applyEnvironment(environment, to: &configuration)
        if let host = overrides.host { configuration.server.host = host }
        if let port = overrides.port { configuration.server.port = port }
        if let level = overrides.logLevel { configuration.logging.level = level }
        if let url = overrides.databaseURL { configuration.database.url = url }
        if let tls = overrides.tls { configuration.server.tls = tls }
        try configuration.validate()
        return configuration
    }

    /// Reads and decodes the config file (which must exist).
    public static func read(_ file: URL) throws -> HubConfiguration {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw ConfigurationError(key: "(file)", "cannot read \(file.path): \(error.localizedDescription)")
        }
        return try decode(data)
    }

    /// Parses config JSON, turning decoding failures into errors that name the key. A file in seed
    /// 001's own shape is read too (`USBCameraServerConfig`).
    public static func decode(_ data: Data) throws(ConfigurationError) -> HubConfiguration {
        var data = data
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], USBCameraServerConfig.matches(object) {
            let translated = try USBCameraServerConfig.translate(object)
            guard let encoded = try? JSONSerialization.data(withJSONObject: translated) else {
                throw ConfigurationError(key: "(file)", "is not a valid JSON object")
            }
            data = encoded
        }
        do {
            return try JSONDecoder().decode(HubConfiguration.self, from: data)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(key: "(file)", "is not a valid JSON object")
        }
    }

    /// `body` (config JSON, in camhub's shape or seed 001's) laid over `base`: an object in the
    /// body changes only the keys it names, at every depth; any other value (a list, a string, a
    /// number, null) replaces the one in `base`. So `{"server": {"port": 9000}}` changes the port
    /// and keeps every other key, tokens included, and `{"cameras": [...]}` is the new list.
    public static func merge(_ body: Data, over base: HubConfiguration) throws(ConfigurationError) -> HubConfiguration {
        guard var object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw ConfigurationError(key: "(body)", "is not a JSON object")
        }
        if USBCameraServerConfig.matches(object) { object = try USBCameraServerConfig.translate(object) }
        guard let encoded = try? encode(base), let baseObject = (try? JSONSerialization.jsonObject(with: encoded)) as? [String: Any],
            let merged = try? JSONSerialization.data(withJSONObject: overlay(object, on: baseObject))
        else {
            throw ConfigurationError(key: "(body)", "could not be merged with the config file")
        }
        return try decode(merged)
    }

    static func overlay(_ top: [String: Any], on bottom: [String: Any]) -> [String: Any] {
        var result = bottom
        for (key, value) in top {
            if let object = value as? [String: Any], let under = bottom[key] as? [String: Any] {
                result[key] = overlay(object, on: under)
            } else {
                result[key] = value
            }
        }
        return result
    }

    public static func encode(_ configuration: HubConfiguration) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(configuration)
    }

    static func readOrCreate(_ file: URL) throws -> HubConfiguration {
        if FileManager.default.fileExists(atPath: file.path) {
            return try read(file)
        }
        let defaults = HubConfiguration()
        do {
            try PrivateFile.writeAtomically(try encode(defaults), to: file)
        } catch where OutOfSpace.matches(error) {
            // A hub that cannot write its first config file still starts, on the defaults; the
            // file is written by the first start that has room.
            FileHandle.standardError.write(Data("camhub: the disk is full: \(file.path) was not written; running on the defaults\n".utf8))
        } catch {
            throw ConfigurationError(key: "(file)", "cannot write defaults to \(file.path): \(error.localizedDescription)")
        }
        return defaults
    }

    static func applyEnvironment(_ environment: [String: String], to configuration: inout HubConfiguration) throws {
        if let host = environment["CAMHUB_HOST"] { configuration.server.host = host }
        if let port = environment["CAMHUB_PORT"] {
            guard let value = Int(port) else { throw ConfigurationError(key: "CAMHUB_PORT", "expected an integer, got '\(port)'") }
            configuration.server.port = value
        }
        if let url = environment["CAMHUB_PUBLIC_URL"] { configuration.server.publicURL = url }
        if let url = environment["CAMHUB_DATABASE_URL"] { configuration.database.url = url }
        if let trust = environment["CAMHUB_TRUST_LOOPBACK"] {
            guard let value = Bool(trust.lowercased()) else {
                throw ConfigurationError(key: "CAMHUB_TRUST_LOOPBACK", "expected true or false, got '\(trust)'")
            }
            configuration.server.trustLoopback = value
        }
        if let token = environment["CAMHUB_REGISTRATION_TOKEN"] { configuration.registration.token = token }
        if let token = environment["CAMHUB_LPR_TOKEN"] { configuration.lpr.token = token }
        if let secret = environment["CAMHUB_PUSH_SECRET"] { configuration.push.secret = secret }
        if let secret = environment["CAMERA_TOKEN_SECRET"] ?? environment["CAMHUB_PUSH_LEGACY_SECRET"] { configuration.push.legacySecret = secret }
        if let url = environment["CAMHUB_VLM_URL"] { configuration.vlm.url = url }
        if let model = environment["CAMHUB_VLM_MODEL"] { configuration.vlm.model = model }
        if let key = environment["CAMHUB_VLM_API_KEY"] { configuration.vlm.apiKey = key }
        if let level = environment["CAMHUB_LOG_LEVEL"] { configuration.logging.level = level }
        if let file = environment["CAMHUB_LOG_FILE"] { configuration.logging.file = file }
    }

    static func dottedPath(_ path: [any CodingKey]) -> String {
        var result = ""
        for key in path {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result.isEmpty ? "(root)" : result
    }

}
