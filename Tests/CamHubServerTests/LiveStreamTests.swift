import CamHubCore
@testable import CamHubServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// MJPEG parts are written by the event-loop fan-out straight to the connection, so these tests
/// use a real socket (`.live`) rather than the in-memory router tester.
@Suite("MJPEG streams over a real socket")
struct LiveStreamTests {
    @Test func partsCarryLengthTimestampAndTheJPEG() async throws {
        let test = try await TestHub()
        let frame = test.publish(marker: 9)
        test.hub.frames.feed(for: "testpattern").close()  // the camera ends: each stream ends after its frame
        // A stream ends by closing its connection, so each path gets its own client.
        for uri in ["/cameras/testpattern/stream.mjpeg", "/video_feed", "/stream"] {
            try await test.application().test(.live) { client in
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "multipart/x-mixed-replace; boundary=frame")
                    let body = Array(buffer: response.body)
                    let text = String(decoding: body.prefix(200), as: UTF8.self)
                    #expect(text.hasPrefix("--frame\r\nContent-Type: image/jpeg\r\n"))
                    #expect(text.contains("Content-Length: \(frame.byteCount)\r\n"))
                    #expect(text.contains("X-Timestamp: \(frame.timestamp.headerValue)\r\n"))
                    #expect(Array(body.suffix(frame.byteCount + 2)) == frame.jpeg + [13, 10])
                }
            }
        }
    }

    @Test func aViewerGetsEveryFrameItCanKeepUpWithAndIsCounted() async throws {
        let test = try await TestHub()
        let feed = test.hub.frames.feed(for: "testpattern")
        try await test.application().test(.live) { client in
            async let response = client.execute(uri: "/cameras/testpattern/stream.mjpeg", method: .get)
            // Wait until the connection has joined the feed, then send three frames and end.
            let deadline = ContinuousClock.now + .seconds(5)
            while feed.statistics().viewers == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            for marker in UInt8(1)...3 {
                test.publish(marker: marker)
                try await Task.sleep(for: .milliseconds(50))
            }
            feed.close()
            let body = String(decoding: Array(buffer: try await response.body), as: UTF8.self)
            #expect(body.components(separatedBy: "--frame\r\n").count - 1 == 3)
        }
        let stats = feed.statistics()
        #expect(stats.framesDelivered == 3)
        #expect(stats.framesSkipped == 0)
        #expect(stats.viewers == 0)
    }
}
