import CamHubCore
import Foundation
import Testing

@Suite("Configuration: defaults file, precedence and validation")
struct ConfigurationTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-config-\(UUID().uuidString)")

    var paths: HubPaths { HubPaths(dataDirectory: folder.path, configFile: nil, environment: [:]) }

    func write(_ json: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(json.utf8).write(to: paths.configFile)
    }

    func loadError(_ json: String, environment: [String: String] = [:]) throws -> ConfigurationError? {
        try write(json)
        do {
            _ = try ConfigurationLoader.load(paths: paths, environment: environment, overrides: .init())
            return nil
        } catch let error as ConfigurationError {
            return error
        }
    }

    @Test func firstRunWritesEveryDefault() throws {
        let loaded = try ConfigurationLoader.load(paths: paths, environment: [:], overrides: .init())
        #expect(loaded == HubConfiguration())
        let text = try String(contentsOf: paths.configFile, encoding: .utf8)
        for key in ["\"host\"", "\"port\"", "\"level\"", "\"file\"", "\"ring_size\"", "\"cameras\"", "\"jpeg_quality\"", "\"testpattern\""] {
            #expect(text.contains(key), "missing \(key)")
        }
        #expect(try ConfigurationLoader.decode(Data(text.utf8)) == HubConfiguration())
    }

    @Test func pathsFollowCommandLineThenEnvironmentThenDefaults() {
        let env = ["CAMHUB_DATA_DIR": "/srv/env", "CAMHUB_CONFIG": "/etc/camhub.json"]
        #expect(HubPaths(dataDirectory: nil, configFile: nil, environment: [:]).configFile.lastPathComponent == "camhub.json")
        #expect(HubPaths(dataDirectory: nil, configFile: nil, environment: env).dataDirectory.path == "/srv/env")
        #expect(HubPaths(dataDirectory: nil, configFile: nil, environment: env).configFile.path == "/etc/camhub.json")
        #expect(HubPaths(dataDirectory: "/cli", configFile: nil, environment: env).dataDirectory.path == "/cli")
        #expect(HubPaths(dataDirectory: "/cli", configFile: nil, environment: ["CAMHUB_DATA_DIR": "/x"]).configFile.path == "/cli/camhub.json")
    }

    @Test func commandLineBeatsEnvironmentBeatsFileBeatsDefaults() throws {
        try write(#"{"server": {"port": 9001, "host": "127.0.0.2"}, "logging": {"level": "debug"}}"#)
        let fileOnly = try ConfigurationLoader.load(paths: paths, environment: [:], overrides: .init())
        #expect(fileOnly.server.port == 9001)
        #expect(fileOnly.server.host == "127.0.0.2")
        #expect(fileOnly.logging.level == "debug")
        #expect(fileOnly.hub.ringSize == HubSettings().ringSize)

        let env = ["CAMHUB_PORT": "9002", "CAMHUB_LOG_LEVEL": "error"]
        let withEnv = try ConfigurationLoader.load(paths: paths, environment: env, overrides: .init())
        #expect(withEnv.server.port == 9002)
        #expect(withEnv.logging.level == "error")
        #expect(withEnv.server.host == "127.0.0.2")

        let withCLI = try ConfigurationLoader.load(paths: paths, environment: env, overrides: .init(port: 9003))
        #expect(withCLI.server.port == 9003)
        #expect(withCLI.logging.level == "error")
    }

    @Test(arguments: [
        (#"{"server": {"port": 70000}}"#, "server.port"),
        (#"{"server": {"port": "80"}}"#, "server.port"),
        (#"{"server": {"prot": 80}}"#, "server.prot"),
        (#"{"logging": {"level": "loud"}}"#, "logging.level"),
        (#"{"logging": {"max_bytes": 100}}"#, "logging.max_bytes"),
        (#"{"logging": {"keep": -1}}"#, "logging.keep"),
        (#"{"hub": {"ring_size": 0}}"#, "hub.ring_size"),
        (#"{"cameras": [{"id": "a", "fps": 0}]}"#, "cameras[0].fps"),
        (#"{"cameras": [{"id": "a"}, {"id": "b", "width": "wide"}]}"#, "cameras[1].width"),
        (#"{"cameras": [{"id": "a"}, {"id": "a"}]}"#, "cameras[1].id"),
        (#"{"cameras": [{"id": "bad id"}]}"#, "cameras[0].id"),
        (#"{"cameras": [{"name": "no id"}]}"#, "cameras[0].id"),
        (#"{"cameras": [{"id": "a", "source": "usb0"}]}"#, "cameras[0].source"),
        (#"{"hub": {"ring_size": 1.5}}"#, "hub.ring_size"),
        ("{ not json", "(file)"),
    ])
    func badValuesNameTheirKey(json: String, key: String) throws {
        let error = try #require(try loadError(json))
        #expect(error.key == key, "\(error)")
        #expect(!error.message.isEmpty)
    }

    @Test func badEnvironmentValuesNameTheVariable() throws {
        #expect(try loadError("{}", environment: ["CAMHUB_PORT": "eighty"])?.key == "CAMHUB_PORT")
        #expect(try loadError("{}", environment: ["CAMHUB_PORT": "0"])?.key == "server.port")
    }

    @Test func webhooksAreCheckedKeyByKey() throws {
        let good = #"{"url": "https://hooks.example.com/camhub", "secret": "0123456789abcdef"}"#
        #expect(try loadError(#"{"webhooks": [\#(good)]}"#) == nil)
        let cases: [(String, String)] = [
            (#"{"url": "ftp://example.com/x", "secret": "0123456789abcdef"}"#, "webhooks[0].url"),
            (#"{"url": "file:///etc/passwd", "secret": "0123456789abcdef"}"#, "webhooks[0].url"),
            (#"{"url": "http://user:pw@example.com/", "secret": "0123456789abcdef"}"#, "webhooks[0].url"),
            (#"{"url": "https://example.com/", "secret": "short"}"#, "webhooks[0].secret"),
            (#"{"url": "https://example.com/", "secret": "0123456789abcdef", "events": []}"#, "webhooks[0].events"),
            (#"{"url": "https://example.com/", "secret": "0123456789abcdef", "events": ["motion_start", "explosion"]}"#, "webhooks[0].events"),
            (#"{"url": "https://example.com/", "secret": "0123456789abcdef", "colour": "red"}"#, "webhooks[0].colour"),
        ]
        for (webhook, key) in cases {
            #expect(try loadError(#"{"webhooks": [\#(webhook)]}"#)?.key == key, "\(webhook)")
        }
        #expect(try loadError(#"{"webhooks": [\#(good), \#(good)]}"#)?.key == "webhooks[1].url")
        let loaded = try ConfigurationLoader.decode(Data(#"{"webhooks": [\#(good)]}"#.utf8))
        #expect(loaded.webhooks.first?.events == WebhookSettings.eventTypes, "every type when none is named")
    }

    @Test func anEmptyCameraListFallsBackToTheTestPattern() throws {
        try write(#"{"cameras": []}"#)
        let loaded = try ConfigurationLoader.load(paths: paths, environment: [:], overrides: .init())
        #expect(loaded.effectiveCameras == [.defaultTestPattern])
    }
}

@Suite("Seed 001's own config.json")
struct USBCameraServerConfigTests {
    /// The original USB Camera Server's config.json, as it ships.
    static let original = #"""
        {"camera": {"device_index": 0, "device_path": "/dev/video0", "width": 640, "height": 480, "fps": 30, "buffer_size": 2,
         "jpeg_quality": 80, "auto_reconnect": true, "reconnect_interval": 5, "max_reconnect_attempts": 10},
         "server": {"host": "0.0.0.0", "port": 8000, "log_level": "INFO", "log_file": "camera_stream.log", "cors_origins": ["*"],
         "trusted_hosts": ["*"], "max_frame_age": 5}}
        """#

    @Test func itIsReadAsCamhubsOneCameraAndServer() throws {
        let configuration = try ConfigurationLoader.decode(Data(Self.original.utf8))
        try configuration.validate()
        #expect(configuration.server.host == "0.0.0.0" && configuration.server.port == 8000)
        #expect(configuration.server.corsOrigins == ["*"] && configuration.server.trustedHosts == ["*"])
        #expect(configuration.logging.level == "info" && configuration.logging.file == "camera_stream.log")
        let camera = try #require(configuration.cameras.first)
        #expect(configuration.cameras.count == 1)
        #expect(camera.id == "camera" && camera.source == "/dev/video0")
        #expect(camera.width == 640 && camera.height == 480 && camera.fps == 30 && camera.jpegQuality == 80)
        #expect(camera.autoReconnect && camera.reconnectInterval == 5 && camera.maxReconnectAttempts == 10 && camera.maxFrameAge == 5)
    }

    @Test func aDeviceIndexAloneNamesTheDeviceAndUnknownKeysAreNamed() throws {
        let byIndex = try ConfigurationLoader.decode(Data(#"{"camera": {"device_index": 2}}"#.utf8))
        #expect(byIndex.cameras.first?.source == "/dev/video2")
        #expect(throws: ConfigurationError(key: "camera.zoom", "unknown key in a seed 001 config file")) {
            try ConfigurationLoader.decode(Data(#"{"camera": {"zoom": 2}}"#.utf8))
        }
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.decode(Data(#"{"camera": {"fps": "fast"}}"#.utf8)) }
    }
}

@Suite("A config change laid over the file")
struct ConfigurationMergeTests {
    static var base: HubConfiguration {
        var base = HubConfiguration()
        base.lpr.token = "edge-secret"
        base.registration.token = "enrol"
        base.server.port = 8080
        base.cameras = [.defaultTestPattern]
        return base
    }

    @Test func keysLeftOutKeepTheirValuesAtEveryDepth() throws {
        let merged = try ConfigurationLoader.merge(Data(#"{"server": {"port": 9000}}"#.utf8), over: Self.base)
        #expect(merged.server.port == 9000)
        #expect(merged.server.host == Self.base.server.host)
        #expect(merged.lpr.token == "edge-secret" && merged.registration.token == "enrol")
        #expect(merged.cameras == Self.base.cameras)
        #expect(try ConfigurationLoader.merge(Data("{}".utf8), over: Self.base) == Self.base)
    }

    @Test func listsAndNullsReplaceWhatWasThere() throws {
        let merged = try ConfigurationLoader.merge(Data(#"{"cameras": [], "lpr": {"token": null}}"#.utf8), over: Self.base)
        #expect(merged.cameras.isEmpty)
        #expect(merged.lpr.token == nil)
        #expect(merged.registration.token == "enrol")
    }

    @Test func seed001sShapeIsTranslatedFirstAndKeepsCamhubsOwnKeys() throws {
        let merged = try ConfigurationLoader.merge(Data(USBCameraServerConfigTests.original.utf8), over: Self.base)
        #expect(merged.server.port == 8000 && merged.cameras.map(\.id) == ["camera"])
        #expect(merged.lpr.token == "edge-secret" && merged.registration.token == "enrol")
    }

    @Test func badBodiesNameWhatIsWrong() {
        #expect(throws: ConfigurationError(key: "(body)", "is not a JSON object")) { try ConfigurationLoader.merge(Data("[1]".utf8), over: Self.base) }
        #expect(throws: ConfigurationError(key: "(body)", "is not a JSON object")) { try ConfigurationLoader.merge(Data("{".utf8), over: Self.base) }
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.merge(Data(#"{"server": {"port": "x"}}"#.utf8), over: Self.base) }
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.merge(Data(#"{"no_such_section": {}}"#.utf8), over: Self.base) }
    }
}
