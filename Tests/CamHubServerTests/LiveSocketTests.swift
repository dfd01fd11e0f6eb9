import CamHubCore
@testable import CamHubServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import NIOCore
import Testing

@Suite("The web page's live socket")
struct LiveSocketTests {
    @Test func subscriptionMessagesAreCheckedAndBounded() {
        let wanted = LiveSocket.parse(#"{"cameras": [{"id": "a", "width": 480, "fps": 99}, {"id": "b", "width": 4, "height": 100}, {"id": "c"}]}"#)
        #expect(wanted?["a"] == LiveSocket.Wanted(width: 480, height: nil, fps: 30))
        #expect(wanted?["b"] == LiveSocket.Wanted(width: nil, height: nil, fps: 10))
        #expect(wanted?["c"] == LiveSocket.Wanted(width: nil, height: nil, fps: 10))
        #expect(LiveSocket.parse("not json") == nil)
        #expect(LiveSocket.parse(#"{"cameras": [{"id": "../x"}]}"#) == nil)
        let tooMany = (0...LiveSocket.maxCameras).map { #"{"id": "c\#($0)"}"# }.joined(separator: ",")
        #expect(LiveSocket.parse(#"{"cameras": [\#(tooMany)]}"#) == nil)
    }

    @Test func aWidthKeepsTheCameraAspectAndNeverScalesUp() {
        let frame = Frame(cameraID: "a", sequence: 1, jpeg: [], width: 1280, height: 720, timestamp: .now())
        #expect(LiveSocket.Wanted(width: 480, height: nil, fps: 10).size(of: frame) == FrameSize(width: 480, height: 270))
        #expect(LiveSocket.Wanted(width: 1920, height: nil, fps: 10).size(of: frame) == nil)
        #expect(LiveSocket.Wanted(width: nil, height: nil, fps: 10).size(of: frame) == nil)
    }

    @Test func framesOfSeveralCamerasArriveOnOneSocketWithTheirIDs() async throws {
        let test = try await TestHub(cameraIDs: ["one", "two"])
        try await test.application().test(.live) { client in
            _ = try await client.ws("/ws/live") { inbound, outbound, _ in
                try await outbound.write(.text(#"{"cameras": [{"id": "one"}, {"id": "two"}]}"#))
                let one = test.hub.frames.feed(for: "one")
                let two = test.hub.frames.feed(for: "two")
                let deadline = ContinuousClock.now + .seconds(5)
                while one.statistics().viewers + two.statistics().viewers < 2, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                let sent = [test.publish("one", marker: 1), test.publish("two", marker: 2)]
                var received: [String: [UInt8]] = [:]
                var iterator = inbound.makeAsyncIterator()
                while received.count < 2, let message = try await iterator.next() {
                    let bytes = Array(buffer: message.data)
                    let id = String(decoding: bytes[1..<(1 + Int(bytes[0]))], as: UTF8.self)
                    received[id] = Array(bytes[(1 + Int(bytes[0]))...])
                }
                #expect(received["one"] == sent[0].jpeg)
                #expect(received["two"] == sent[1].jpeg)
            }
        }
    }
}
