import CamHubCore
@testable import CamHubServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Scaled frames (?size=, /api/smframe)")
struct ScaledFrameRouteTests {
    @Test func snapshotsAndTheSmallFrameComeAtTheSizeAsked() async throws {
        let test = try await TestHub()
        let original = try test.publishPicture()
        try await test.application().test(.router) { client in
            for (uri, width, height) in [
                ("/cameras/testpattern/snapshot.jpg?size=320x240", 320, 240),
                ("/cameras/testpattern/snapshot.jpg?size=100x100", 100, 100),
                ("/cameras/testpattern/snapshot.jpg?size=1280x960", 1280, 960),
                ("/api/smframe", 320, 320),
                ("/cameras/testpattern/snapshot.jpg?size=640x480", 640, 480),
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    let header = JPEGHeader(Array(buffer: response.body))
                    #expect(header?.width == width && header?.height == height, "\(uri)")
                }
            }
            try await client.execute(uri: "/cameras/testpattern/snapshot.jpg?size=640x480", method: .get) { response in
                #expect(Array(buffer: response.body) == original.jpeg, "the native size is the frame itself")
            }
            try await client.execute(uri: "/api/status", method: .get) { response in
                try #expect((response.json)["smframe_available"] as? Bool == true)
            }
        }
    }

    @Test func aFrameThatCannotBeDecodedGets503() async throws {
        let test = try await TestHub()
        test.publish()  // JPEG-shaped but not decodable
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/cameras/testpattern/snapshot.jpg?size=320x240", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorBody?["code"] as? String == "unavailable")
            }
        }
    }

    @Test func streamsCarryScaledPartsAndOnlyForTheirViewers() async throws {
        let test = try await TestHub()
        let frame = try test.publishPicture()
        test.hub.frames.feed(for: "testpattern").close()
        try await test.application().test(.live) { client in
            try await client.execute(uri: "/cameras/testpattern/stream.mjpeg?size=160x120", method: .get) { response in
                let body = Array(buffer: response.body)
                let start = try #require(body.firstRange(of: [0xFF, 0xD8])?.lowerBound)
                let header = JPEGHeader(Array(body[start..<(body.count - 2)]))
                #expect(header?.width == 160 && header?.height == 120)
            }
        }
        #expect(frame.derived(ProbeKey.self) { _ in 0 } == 0)
    }

    enum ProbeKey: FrameDerivation { typealias Value = Int }
}
