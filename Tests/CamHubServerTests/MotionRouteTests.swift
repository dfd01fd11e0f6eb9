import CamHubCore
@testable import CamHubServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET and PUT /cameras/{id}/motion")
struct MotionRouteTests {
    static let admin: HTTPFields = [.authorization: "Bearer \(TestHub.adminToken)", .contentType: "application/json"]

    @Test func aPushedCamerasOwnSettingsApplyAtOnceAndBadOnesAreNamed() async throws {
        let test = try await TestHub { configuration in
            configuration.server.trustLoopback = false
            configuration.motion.defaults.threshold = 30
        }
        try await test.hub.cameras.create(Camera(id: "7", name: "Door", kind: .pushed, source: "websocket"))
        try await test.hub.cluster.claim("7")
        #expect(await test.hub.motionTargets.current().cameras.isEmpty)
        try await test.application().test(.router) { client in
            let body = #"{"enabled": true, "min_area": 0.01, "zones": [{"name": "step", "polygon": [[0, 0.5], [1, 0.5], [1, 1]]}]}"#
            try await client.execute(uri: "/cameras/7/motion", method: .put, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/cameras/7/motion", method: .put, headers: Self.admin, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                let settings = try response.json
                #expect(settings["enabled"] as? Bool == true && settings["threshold"] as? Int == 30 && settings["min_area"] as? Double == 0.01)
                #expect((settings["zones"] as? [[String: Any]])?.first?["name"] as? String == "step")
            }
            try await client.execute(uri: "/cameras/7/motion", method: .get, headers: Self.admin) { response in
                let settings = try response.json
                #expect(settings["min_area"] as? Double == 0.01)
            }
            let refused: [(String, HTTPResponse.Status, String?)] = [
                (#"{"threshold": 0}"#, .unprocessableContent, "threshold"),
                (#"{"treshold": 9}"#, .unprocessableContent, "treshold"),
                (#"{"zones": [{"name": "x", "polygon": [[0, 0], [2, 0], [1, 1]]}]}"#, .unprocessableContent, "zones[0].polygon"),
                (#"{"enabled": "yes"}"#, .unprocessableContent, "enabled"),
                ("{not json", .badRequest, nil),
                ("[1, 2]", .badRequest, nil),
            ]
            for (body, status, field) in refused {
                try await client.execute(uri: "/cameras/7/motion", method: .put, headers: Self.admin, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == status, "\(body)")
                    if let field {
                        let fields = (try? response.json["detail"] as? [[String: Any]])?.compactMap { ($0["loc"] as? [Any])?.last as? String }
                        #expect(fields == [field], "\(body)")
                    }
                }
            }
            try await client.execute(uri: "/cameras/7/motion/live", method: .get, headers: Self.admin) { response in
                let live = try response.json
                #expect(response.status == .ok && live["analysed"] as? Bool == false && (live["boxes"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/cameras/nope/motion", method: .get, headers: Self.admin) { response in
                #expect(response.status == .notFound)
            }
        }
        // The motion service analyses it from its next look at the registry (at most a second on).
        try await Task.sleep(for: .milliseconds(1100))
        let targets = await test.hub.motionTargets.current()
        #expect(targets.cameras.map(\.cameraID) == ["7"] && targets.cameras.first?.settings.minArea == 0.01)
    }

    @Test func aConfigCamerasMotionIsWrittenIntoTheConfigFileAndAnotherHubsIsRefused() async throws {
        let test = try await TestHub { $0.server.trustLoopback = false }
        try await test.application().test(.router) { client in
            let body = #"{"enabled": true, "threshold": 40, "masks": [[[0, 0], [0.25, 0], [0.25, 0.25]]]}"#
            try await client.execute(uri: "/cameras/testpattern/motion", method: .put, headers: Self.admin, body: ByteBuffer(string: body)) { response in
                let settings = try response.json
                #expect(response.status == .ok && settings["threshold"] as? Int == 40 && settings["enabled"] as? Bool == true)
            }
            try await client.execute(uri: "/cameras/testpattern/motion", method: .put, headers: Self.admin, body: ByteBuffer(string: #"{"threshold": 400}"#)) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await test.hub.cameras.create(Camera(id: "elsewhere", name: "Other hub's", kind: .local, source: "testpattern"))
            try await client.execute(uri: "/cameras/elsewhere/motion", method: .put, headers: Self.admin, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .conflict && response.errorBody?["code"] as? String == "declared_in_config")
            }
        }
        #expect(test.hub.configuration.motionSettings(of: test.hub.configuration.cameras[0]).threshold == 40)
        let written = try ConfigurationLoader.read(test.hub.paths.configFile)
        #expect(written.cameras[0].motion?.threshold == 40 && written.cameras[0].motion?.masks?.count == 1)
    }
}
