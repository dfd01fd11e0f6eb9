import ArgumentParser
import CamHubAgent
import CamHubCore
import Foundation
import Logging

/// `camhub agent`: be a camera for a hub, capturing a local source. Over `http` it is a seed 000
/// camera (register, heartbeat, upload, obey commands); over `ws` a seed 003 camera (push frames
/// on `/video-input-stream` with its id and token).
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run as a camera: capture a source and send its frames to a hub (HTTP with heartbeats and commands, or WebSocket push)."
    )

    @Option(help: "The hub's base URL (or a balancer's). With --transport ws it may be given several times: the hubs of one site, tried in turn when a connection fails or ends.")
    var hub: [String] = []

    /// The hubs given, or the local default.
    var hubs: [String] { hub.isEmpty ? ["http://127.0.0.1:8080"] : hub }

    @Option(help: "http: register, send frames and heartbeats, obey commands (seed 000). ws: push frames over /video-input-stream (seed 003).")
    var transport: Transport = .http

    @Option(name: .customLong("camera-id"), help: "With --transport ws: the camera's id on the hub (a positive integer).")
    var cameraID: UInt32?

    @Option(name: .customLong("push-token"), help: "With --transport ws: the camera's token (from POST /cameras or `camhub push-token`; env CAMHUB_PUSH_TOKEN).")
    var pushToken: String?

    @Option(help: "testpattern, file:<folder of JPEGs>, http(s)://<MJPEG stream>, rtsp://<stream>, ffmpeg:<input>, /dev/videoN or v4l2:<device>.")
    var source: String = "testpattern"

    @Option(help: "The camera's name on the hub.")
    var name: String = ProcessInfo.processInfo.hostName

    @Option(help: "Where the camera is.")
    var location: String = "edge"

    @Option(help: "Frame width: the test pattern's, or what ffmpeg and V4L2 sources are asked for.") var width: Int = 640
    @Option(help: "Frame height, likewise.") var height: Int = 480
    @Option(help: "Frames per second, 1 to 60.") var fps: Int = 15
    @Option(name: .customLong("jpeg-quality"), help: "JPEG quality, 1 to 100.") var jpegQuality: Int = 80

    @Option(name: .customLong("ca-file"), help: "PEM CA certificate to trust for an https:// hub (a private CA or a self-signed hub); default: the system's.")
    var caFile: String?

    @Option(name: .customLong("state-file"), help: "Where the camera id and key are kept (0600) so a restart reuses them.")
    var stateFile: String = "./camhub-agent.json"

    @Option(name: .customLong("heartbeat-interval"), help: "Seconds between heartbeats.")
    var heartbeatInterval: Int = 10

    /// An `https://` URL whose host is an IPv4 or IPv6 address.
    static func isHTTPSToAnAddress(_ hub: String) -> Bool {
        guard hub.hasPrefix("https://"), let host = URL(string: hub)?.host else { return false }
        return host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
    }

    func validate() throws {
        guard hubs.allSatisfy({ $0.hasPrefix("http://") || $0.hasPrefix("https://") }) else { throw ValidationError("--hub must be an http:// or https:// URL") }
        guard transport == .ws || hubs.count == 1 else { throw ValidationError("--hub may be given several times with --transport ws only; give a balancer's URL instead") }
        if transport == .ws, let literal = hubs.first(where: Self.isHTTPSToAnAddress) {
            // The WebSocket client sends the host as the TLS server name, which an address cannot be.
            throw ValidationError("--transport ws to an https:// hub needs its host name (the one on its certificate), not an address: \(literal)")
        }
        guard (1...60).contains(fps) else { throw ValidationError("--fps must be between 1 and 60") }
        guard (16...7680).contains(width), (16...7680).contains(height) else { throw ValidationError("--width and --height must be between 16 and 7680") }
        guard (1...100).contains(jpegQuality) else { throw ValidationError("--jpeg-quality must be between 1 and 100") }
        guard (1...3600).contains(heartbeatInterval) else { throw ValidationError("--heartbeat-interval must be between 1 and 3600") }
        guard LocalCameraSettings.isSupported(source: source) else {
            throw ValidationError("--source must be testpattern, file:<folder> or an http(s):// MJPEG stream")
        }
        if transport == .ws {
            guard let cameraID, cameraID > 0 else { throw ValidationError("--transport ws needs --camera-id, a positive integer") }
            guard resolvedPushToken != nil else { throw ValidationError("--transport ws needs --push-token (or CAMHUB_PUSH_TOKEN)") }
        }
    }

    enum Transport: String, ExpressibleByArgument, CaseIterable {
        case http, ws
    }

    /// The token from the command line or the environment, so it need not show in `ps`.
    var resolvedPushToken: String? {
        pushToken ?? ProcessInfo.processInfo.environment["CAMHUB_PUSH_TOKEN"]
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var capture = LocalCameraSettings(id: "agent", name: name)
        capture.source = source
        capture.width = width
        capture.height = height
        capture.fps = fps
        capture.jpegQuality = jpegQuality
        let logger = Logger(label: "camhub.agent")
        switch transport {
        case .http:
            var options = CameraAgent.Options(hub: hubs[0], name: name, location: location, stateFile: URL(fileURLWithPath: stateFile))
            options.heartbeatInterval = .seconds(heartbeatInterval)
            options.caFile = caFile
            try await CameraAgent(options: options, settings: AgentSettings(capture: capture), logger: logger).runUntilSignalled(logger: logger)
        case .ws:
            var options = PushAgent.Options(hubs: hubs, cameraID: cameraID!, token: resolvedPushToken!)
            options.caFile = caFile
            try await PushAgent(options: options, capture: capture, logger: logger).runUntilSignalled(logger: logger)
        }
    }
}
