import CamHubCore
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `PUT /config` and friends through the router (the test hub runs no capture, so the cameras'
/// sources are not started; `LocalCameras` records what should run).
@Suite("Changing the configuration while running")
struct ConfigRouteTests {
    static let admin = RegistrationRouteTests.admin

    static func config(_ test: TestHub, _ change: (inout HubConfiguration) -> Void) throws -> ByteBuffer {
        var configuration = ConfigController.redacted(test.hub.configuration)
        change(&configuration)
        return ByteBuffer(data: try ConfigurationLoader.encode(configuration))
    }

    @Test func aGoodConfigIsWrittenAndAppliedCameraByCamera() async throws {
        let test = try await TestHub(cameraIDs: ["keep", "drop", "tune"]) { $0.registration.token = "enrolment-secret" }
        let body = try Self.config(test) { configuration in
            configuration.cameras.removeAll { $0.id == "drop" }
            configuration.cameras[configuration.cameras.firstIndex { $0.id == "tune" }!].fps = 5
            configuration.cameras.append(LocalCameraSettings(id: "new", name: "New one"))
            configuration.hub.inactiveAfter = 120
            configuration.server.port = 9999
        }
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/config", method: .put, headers: Self.admin, body: body) { response in
                #expect(response.status == .ok)
                let cameras = try #require(try response.json["cameras"] as? [String: [String]])
                #expect(cameras["added"] == ["new"])
                #expect(cameras["removed"] == ["drop"])
                #expect(cameras["changed"] == ["tune"])
                #expect(cameras["unchanged"] == ["keep"])
                try #expect(response.json["restart_required_keys"] as? [String] == ["server.port"])
                try #expect(response.json["restart_required"] as? String == "Restart camhub for: server.port")
                try #expect(response.json["success"] as? Bool == true)
            }
        }
        #expect(test.hub.configuration.hub.inactiveAfter == 120)
        #expect(test.hub.localCameras.cameras.map(\.id) == ["keep", "new", "tune"])
        #expect(try await test.hub.cameras.camera(id: "new")?.kind == .local)
        // Written to the file; the secret shown as *** kept its value.
        let written = try ConfigurationLoader.read(test.hub.paths.configFile)
        #expect(written.cameras.map(\.id) == ["keep", "tune", "new"])
        #expect(written.registration.token == "enrolment-secret")
    }

    @Test func theAPICannotNameASourceThatReadsThisMachinesFilesUnlessTheFileAllowsIt() async throws {
        let test = try await TestHub(cameraIDs: ["kept"]) { $0.cameras[0].source = "file:/srv/frames" }
        try await test.application().test(.router) { client in
            func camera(_ id: String, _ source: String) -> LocalCameraSettings {
                var camera = LocalCameraSettings(id: id, name: id)
                camera.source = source
                return camera
            }
            let refused: [(HubConfiguration) -> HubConfiguration] = [
                { var c = $0; c.cameras.append(camera("leak", "ffmpeg:/root/secret.jpg")); return c },
                { var c = $0; c.cameras.append(camera("leak", "ffmpeg:concat:/a|/b")); return c },
                { var c = $0; c.cameras[0].source = "file:/etc"; return c },
                { var c = $0; c.sources.allowLocal = true; return c },
            ]
            for change in refused {
                let body = ByteBuffer(data: try ConfigurationLoader.encode(change(ConfigController.redacted(test.hub.configuration))))
                try await client.execute(uri: "/config", method: .put, headers: Self.admin, body: body) { response in
                    #expect(response.status == .unprocessableContent)
                    let fields = (try? response.json["detail"] as? [[String: Any]])?.compactMap { ($0["loc"] as? [Any])?.last as? String }
                    #expect(fields?.first?.hasPrefix("cameras[") == true || fields == ["sources.allow_local"], "\(fields ?? [])")
                }
            }
            // The camera it has keeps its source; network sources, devices and the test pattern are fine.
            let allowed = try Self.config(test) { configuration in
                var gate = LocalCameraSettings(id: "gate", name: "Gate")
                gate.source = "rtsp://10.0.0.5/stream"
                var desk = LocalCameraSettings(id: "desk", name: "Desk")
                desk.source = "/dev/video0"
                configuration.cameras += [gate, desk]
            }
            try await client.execute(uri: "/config", method: .put, headers: Self.admin, body: allowed) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(test.hub.configuration.cameras.map(\.source) == ["file:/srv/frames", "rtsp://10.0.0.5/stream", "/dev/video0"])
    }

    @Test func aCameraPasswordIsShownAsStarsAndKeptWhenSentBack() async throws {
        let test = try await TestHub(cameraIDs: ["ip"]) { $0.cameras[0].source = "rtsp://admin:s3cret@10.0.0.9/stream" }
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/config", method: .get, headers: Self.admin) { response in
                #expect(!String(buffer: response.body).contains("s3cret"))
                #expect(String(buffer: response.body).contains("rtsp://admin:***@10.0.0.9/stream"))
            }
            let sentBack = try Self.config(test) { $0.hub.inactiveAfter = 90 }
            try await client.execute(uri: "/config", method: .put, headers: Self.admin, body: sentBack) { response in
                #expect(response.status == .ok)
                try #expect(response.json["cameras"] as? [String: [String]] == ["added": [], "removed": [], "changed": [], "unchanged": ["ip"]])
            }
        }
        #expect(test.hub.configuration.cameras[0].source == "rtsp://admin:s3cret@10.0.0.9/stream")
    }

    @Test func aBadConfigNamesTheKeyAndChangesNothing() async throws {
        let test = try await TestHub(cameraIDs: ["a"])
        let before = test.hub.configuration
        let badFPS = try Self.config(test) { $0.cameras[0].fps = 500 }
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/config", method: .put, headers: Self.admin, body: badFPS) { response in
                #expect(response.status == .unprocessableContent)
                let detail = try #require(try response.json["detail"] as? [[String: Any]])
                #expect(detail.first?["loc"] as? [String] == ["body", "cameras[0].fps"])
            }
            try await client.execute(uri: "/config", method: .put, headers: Self.admin, body: ByteBuffer(string: #"{"server": {"prot": 1}}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("server.prot"))
            }
            try await client.execute(uri: "/config", method: .put, headers: Self.admin, body: ByteBuffer(string: "{not json")) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/config", method: .put, headers: [.contentType: "application/json"], body: badFPS) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/config?source=elsewhere", method: .get, headers: Self.admin) { response in
                #expect(response.status == .badRequest)
            }
        }
        #expect(test.hub.configuration == before)
        #expect(!FileManager.default.fileExists(atPath: test.hub.paths.configFile.path))
    }

    @Test func reloadReadsTheFileAndRestartNamesTheCameras() async throws {
        let test = try await TestHub(cameraIDs: ["a"])
        var file = test.hub.configuration
        file.cameras.append(LocalCameraSettings(id: "b", name: "B"))
        try FileManager.default.createDirectory(at: test.hub.paths.dataDirectory, withIntermediateDirectories: true)
        try ConfigurationLoader.encode(file).write(to: test.hub.paths.configFile)
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/server/reload-config", method: .post, headers: Self.admin) { response in
                #expect(response.status == .ok)
                let cameras = try #require(try response.json["cameras"] as? [String: [String]])
                #expect(cameras["added"] == ["b"])
            }
            try await client.execute(uri: "/camera/restart?id=b", method: .post, headers: Self.admin) { response in
                try #expect(response.json["restarted"] as? [String] == ["b"])
            }
            try await client.execute(uri: "/camera/restart?id=nope", method: .post, headers: Self.admin) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}

@Suite("A camera's status in both seeds' shapes")
struct CameraStatusShapeTests {
    @Test func seed004FieldsSitBesideSeed000Ones() async throws {
        let test = try await TestHub(cameraIDs: ["cam"])
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/cameras/cam/status", method: .get, headers: RegistrationRouteTests.admin) { response in
                let body = try response.json
                #expect(body["camera_id"] as? String == "cam")
                #expect(body["frame_available"] as? Bool == false)
                #expect(body["smframe_available"] as? Bool == false)
                #expect(body["config"] != nil)
                let capture = try #require(body["capture"] as? [String: Any])
                #expect(capture["state"] as? String == "starting")
                #expect(capture["frames_captured"] as? Int == 0)
                #expect(capture["is_connected"] as? Bool == false)
            }
            test.publish("cam")
            try await client.execute(uri: "/cameras/cam/status", method: .get, headers: RegistrationRouteTests.admin) { response in
                let body = try response.json
                #expect(body["width"] as? Int == 640)
                #expect(body["height"] as? Int == 480)
                #expect(body["frame_available"] as? Bool == true)
                #expect(body["is_running"] as? Bool == true)
                let capture = try #require(body["capture"] as? [String: Any])
                #expect(capture["state"] as? String == "streaming")
                #expect(capture["frames_captured"] as? Int == 1)
                #expect(capture["is_connected"] as? Bool == true)
                #expect(Set(capture.keys).isSuperset(of: ["frames_dropped", "connection_errors", "uptime", "last_frame_age", "reconnect_attempts"]))
            }
        }
    }
}
