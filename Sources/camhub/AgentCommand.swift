import ArgumentParser
import CamHubAgent
import CamHubCore
import Foundation
import Logging

/// `camhub agent`: be a camera for a hub (seed 000), capturing a local source.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run as a camera: capture a source, register with a hub, send frames and heartbeats, obey commands."
    )

    @Option(help: "The hub's base URL.")
    var hub: String = "http://127.0.0.1:8080"

    @Option(help: "testpattern, or file:<folder of JPEGs>.")
    var source: String = "testpattern"

    @Option(help: "The camera's name on the hub.")
    var name: String = ProcessInfo.processInfo.hostName

    @Option(help: "Where the camera is.")
    var location: String = "edge"

    @Option(help: "Frame width (test pattern).") var width: Int = 640
    @Option(help: "Frame height (test pattern).") var height: Int = 480
    @Option(help: "Frames per second, 1 to 60.") var fps: Int = 15
    @Option(name: .customLong("jpeg-quality"), help: "JPEG quality, 1 to 100.") var jpegQuality: Int = 80

    @Option(name: .customLong("state-file"), help: "Where the camera id and key are kept (0600) so a restart reuses them.")
    var stateFile: String = "./camhub-agent.json"

    @Option(name: .customLong("heartbeat-interval"), help: "Seconds between heartbeats.")
    var heartbeatInterval: Int = 10

    func validate() throws {
        guard hub.hasPrefix("http://") || hub.hasPrefix("https://") else { throw ValidationError("--hub must be an http:// or https:// URL") }
        guard (1...60).contains(fps) else { throw ValidationError("--fps must be between 1 and 60") }
        guard (16...7680).contains(width), (16...7680).contains(height) else { throw ValidationError("--width and --height must be between 16 and 7680") }
        guard (1...100).contains(jpegQuality) else { throw ValidationError("--jpeg-quality must be between 1 and 100") }
        guard (1...3600).contains(heartbeatInterval) else { throw ValidationError("--heartbeat-interval must be between 1 and 3600") }
        guard LocalCameraSettings.isSupported(source: source) else {
            throw ValidationError("--source must be testpattern or file:<folder>")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var capture = LocalCameraSettings(id: "agent", name: name)
        capture.source = source
        capture.width = width
        capture.height = height
        capture.fps = fps
        capture.jpegQuality = jpegQuality
        var options = CameraAgent.Options(hub: hub, name: name, location: location, stateFile: URL(fileURLWithPath: stateFile))
        options.heartbeatInterval = .seconds(heartbeatInterval)
        let agent = CameraAgent(options: options, settings: AgentSettings(capture: capture), logger: Logger(label: "camhub.agent"))
        try await agent.runUntilSignalled()
    }
}
