@testable import CamHubAgent
import CamHubCapture
import CamHubCore
import Foundation
import Testing

@Suite("Agent pieces")
struct AgentTests {
    @Test func backoffGrowsToItsCapWithBoundedJitter() {
        var backoff = Backoff()
        let delays = (0..<10).map { _ in backoff.nextDelay(random: 0) }
        #expect(delays.prefix(4) == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
        #expect(delays.last == .seconds(30))
        backoff.reset()
        #expect(backoff.nextDelay(random: 1) == .milliseconds(600))
        #expect(backoff.nextDelay(random: -1) == .milliseconds(800))
    }

    @Test func commandsChangeTheSettingsAndBadOnesAreRefused() {
        var settings = AgentSettings(capture: LocalCameraSettings(id: "agent", name: "agent"))
        let applied = [
            settings.apply(type: "adjust_fps", value: .integer(5)),
            settings.apply(type: "change_resolution", value: .size(width: 320, height: 240)),
            settings.apply(type: "set_task", value: .text("vqa")),
            settings.apply(type: "set_question", value: .text("Anyone there?")),
        ]
        #expect(applied == [true, true, true, true])
        #expect(settings.capture.fps == 5)
        #expect(settings.capture.width == 320 && settings.capture.height == 240)
        #expect(settings.task == "vqa" && settings.question == "Anyone there?")
        let refused = [settings.apply(type: "adjust_fps", value: .integer(500)), settings.apply(type: "reboot", value: .integer(1))]
        #expect(refused == [false, false])
        #expect(settings.capture.fps == 5)
    }

    @Test func theIdentityIsKeptInAPrivateFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString)/state.json")
        let identity = AgentIdentity(hub: "http://127.0.0.1:8080", cameraID: "abc", apiKey: "secret")
        try identity.save(to: url)
        #expect(AgentIdentity.load(from: url) == identity)
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}

@Suite("Agent frame sizing")
struct AgentFrameSizingTests {
    @Test func framesFollowTheResolutionTheHubAskedFor() throws {
        var renderer = TestPatternRenderer(width: 640, height: 480, title: "file")
        let jpeg = try JPEGEncoder().encode(renderer.render(frameNumber: 1, at: Date()), quality: 80)
        let frame = Frame(cameraID: "agent", sequence: 1, jpeg: jpeg, width: 640, height: 480, timestamp: .now())
        var capture = LocalCameraSettings(id: "agent", name: "agent")
        #expect(try CameraAgent.sized(frame, to: capture) == jpeg)
        capture.width = 320
        capture.height = 240
        let header = JPEGHeader(try CameraAgent.sized(frame, to: capture))
        #expect(header?.width == 320 && header?.height == 240)
    }
}
