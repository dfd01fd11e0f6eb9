import CamHubCore
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Seed 000 through the router tester. Its requests have no peer address, so they count as
/// coming from another machine: operator calls need the admin token here.
@Suite("Seed 000 registration, heartbeats, uploads and commands")
struct RegistrationRouteTests {
    static var registration: [String: Any] { [
        "name": "Front Door Camera", "location": "Main Entrance", "source_type": "rtsp",
        "url": "rtsp://192.168.1.100:554/stream1", "username": "admin", "password": "s3cret-pass",
        "resolution": [640, 480], "fps": 15, "capabilities": ["caption", "vqa"],
    ] }

    static func json(_ object: Any) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    static let admin: HTTPFields = [.authorization: "Bearer \(TestHub.adminToken)", .contentType: "application/json"]
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    /// Registers a camera and returns its id and key.
    static func register(_ client: some TestClientProtocol) async throws -> (id: String, key: String) {
        try await client.execute(uri: "/register", method: .post, headers: jsonHeaders, body: json(registration)) { response in
            let body = try response.json
            return (body["camera_id"] as! String, body["api_key"] as! String)
        }
    }

    static var tinyJPEG: [UInt8] { JPEGFixtures.minimal(width: 320, height: 240) }

    @Test func registrationAnswersInTheSeedShapeAndStoresOnlyAHash() async throws {
        let test = try await TestHub { $0.server.publicURL = "https://hub.example:8443/" }
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/register", method: .post, headers: Self.jsonHeaders, body: Self.json(Self.registration)) { response in
                #expect(response.status == .ok)
                let body = try response.json
                let id = try #require(body["camera_id"] as? String)
                let key = try #require(body["api_key"] as? String)
                #expect(key.count >= 32)
                #expect(body["status"] as? String == "registered")
                #expect(body["message"] as? String == "Camera registered successfully")
                let endpoints = try #require(body["endpoints"] as? [String: String])
                #expect(endpoints["heartbeat"] == "https://hub.example:8443/cameras/\(id)/heartbeat")
                #expect(endpoints["upload_frame"] == "https://hub.example:8443/cameras/\(id)/upload")
                #expect(endpoints["status"] == "https://hub.example:8443/cameras/\(id)/status")
                let config = try #require(body["config"] as? [String: Any])
                #expect(config["resolution"] as? [Int] == [640, 480])
                #expect(config["fps"] as? Int == 15)
                #expect(config["capabilities"] as? [String] == ["caption", "vqa"])
                #expect(!String(buffer: response.body).contains("s3cret-pass"))

                let stored = try #require(try await test.hub.cameras.camera(id: id))
                #expect(stored.keyHash == CameraKeys.hash(key))
                #expect(stored.keyHash != key)
                let sealed = try #require(stored.sealedCredentials)
                #expect(!sealed.contains("s3cret-pass"))
                #expect(try test.hub.dataKey.open(sealed).contains("s3cret-pass"))
            }
        }
    }

    @Test func credentialsInTheURLAreSealedAndShownAsStars() async throws {
        let test = try await TestHub()
        var registration = Self.registration
        registration["url"] = "rtsp://viewer:we#ird%@p@10.0.0.1:554/s"
        let body = Self.json(registration)
        try await test.application().test(.router) { client in
            let id = try await client.execute(uri: "/register", method: .post, headers: Self.jsonHeaders, body: body) { response in
                #expect(response.status == .ok)
                return try #require(try response.json["camera_id"] as? String)
            }
            try await client.execute(uri: "/cameras/\(id)/status", method: .get, headers: Self.admin) { response in
                let config = try #require(try response.json["config"] as? [String: Any])
                #expect(config["url"] as? String == "rtsp://viewer:***@10.0.0.1:554/s")
                #expect(!String(buffer: response.body).contains("we#ird"))
            }
            let stored = try #require(try await test.hub.cameras.camera(id: id))
            #expect(stored.settings.url == "rtsp://viewer:***@10.0.0.1:554/s")
            let sealed = try test.hub.dataKey.open(try #require(stored.sealedCredentials))
            #expect(sealed.contains("we#ird%@p"))
        }
    }

    @Test func malformedRegistrationsGet422NamingEveryField() async throws {
        let test = try await TestHub()
        let bad = Self.json(["name": "", "source_type": "betamax", "fps": 0, "resolution": [1], "capabilities": "caption"])
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/register", method: .post, headers: Self.jsonHeaders, body: bad) { response in
                #expect(response.status == .unprocessableContent)
                let detail = try #require((try response.json)["detail"] as? [[String: Any]])
                let fields = Set(detail.compactMap { ($0["loc"] as? [String])?.last })
                #expect(fields == ["name", "location", "source_type", "fps", "resolution", "capabilities"])
                #expect(response.errorBody?["code"] as? String == "invalid")
            }
            try await client.execute(uri: "/register", method: .post, headers: Self.jsonHeaders, body: ByteBuffer(string: "{\"name\": ")) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorBody?["code"] as? String == "bad_json")
            }
            try await client.execute(uri: "/register", method: .post, headers: Self.jsonHeaders, body: ByteBuffer(string: "[1, 2]")) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/register", method: .post, headers: Self.jsonHeaders, body: Self.json(["name": 5, "location": true, "source_type": "usb", "fps": "15"])) { response in
                #expect(response.status == .unprocessableContent)
                let detail = try #require((try response.json)["detail"] as? [[String: Any]])
                #expect(Set(detail.compactMap { ($0["loc"] as? [String])?.last }) == ["name", "location", "fps"])
            }
            #expect(try await test.hub.cameras.list().count == 1)  // only the configured test pattern
        }
    }

    @Test func oversizedBodiesGet413() async throws {
        let test = try await TestHub { $0.server.maxBodyBytes = 2048 }
        try await test.application().test(.router) { client in
            let big = Self.json(["name": String(repeating: "x", count: 4096)])
            try await client.execute(uri: "/register", method: .post, headers: Self.jsonHeaders, body: big) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.errorBody?["code"] as? String == "too_large")
            }
        }
    }

    @Test func anEnrollmentTokenClosesRegistration() async throws {
        let test = try await TestHub { $0.registration.token = "enroll-me-please" }
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/register", method: .post, headers: Self.jsonHeaders, body: Self.json(Self.registration)) { response in
                #expect(response.status == .unauthorized)
            }
            var headers = Self.jsonHeaders
            headers[.xRegistrationToken] = "enroll-me-please"
            try await client.execute(uri: "/register", method: .post, headers: headers, body: Self.json(Self.registration)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func heartbeatsNeedTheKeyAndCollectEachCommandOnce() async throws {
        let test = try await TestHub()
        try await test.application().test(.router) { client in
            let (id, key) = try await Self.register(client)
            let beat: [String: Any] = ["camera_id": id, "api_key": key, "status": "active", "frame_count": 1234]
            try await client.execute(uri: "/cameras/\(id)/heartbeat", method: .post, headers: Self.jsonHeaders, body: Self.json(beat.merging(["api_key": "wrong"]) { $1 })) {
                #expect($0.status == .unauthorized)
            }
            // Credentials are checked first, as in seed 000: an unknown camera is a 401 too, with
            // FastAPI's `detail` beside camhub's error.
            try await client.execute(uri: "/cameras/nope/heartbeat", method: .post, headers: Self.jsonHeaders, body: Self.json(beat)) { response in
                let body = try response.json
                #expect(response.status == .unauthorized)
                #expect(body["detail"] as? String == "Invalid camera credentials")
                #expect((body["error"] as? [String: Any])?["code"] as? String == "unauthorized")
            }
            // Queue two commands as the operator; the second heartbeat must not see them again.
            for command in [["type": "adjust_fps", "value": 10, "reason": "High CPU usage"] as [String: Any], ["type": "set_task", "value": "vqa"]] {
                try await client.execute(uri: "/cameras/\(id)/commands", method: .post, headers: Self.admin, body: Self.json(command)) { response in
                    #expect(response.status == .created)
                    try #expect((response.json)["state"] as? String == "queued")
                }
            }
            try await client.execute(uri: "/cameras/\(id)/heartbeat", method: .post, headers: Self.jsonHeaders, body: Self.json(beat)) { response in
                #expect(response.status == .ok)
                let body = try response.json
                #expect(body["status"] as? String == "ok")
                let commands = try #require(body["commands"] as? [[String: Any]])
                #expect(commands.map { $0["type"] as? String } == ["adjust_fps", "set_task"])
                #expect(commands.first?["value"] as? Int == 10)
                #expect(commands.first?["reason"] as? String == "High CPU usage")
            }
            try await client.execute(uri: "/cameras/\(id)/heartbeat", method: .post, headers: Self.jsonHeaders, body: Self.json(beat)) { response in
                let commands = try response.json["commands"] as? [Any]
                #expect(commands?.isEmpty == true)
            }
            // The heartbeat's facts and the delivered commands show in the status.
            try await client.execute(uri: "/cameras/\(id)/status?api_key=\(key)", method: .get) { response in
                #expect(response.status == .ok)
                let body = try response.json
                #expect(body["status"] as? String == "active")
                #expect(body["frame_count"] as? Int == 1234)
                #expect(body["last_heartbeat"] is String)
                let config = try #require(body["config"] as? [String: Any])
                #expect(config["fps"] as? Int == 10)
                #expect(config["task"] as? String == "vqa")
                #expect(body["pending_commands"] as? Int == 0)
            }
        }
    }

    @Test(arguments: [
        (#"{"type": "adjust_fps", "value": 0}"#, "value"),
        (#"{"type": "adjust_fps", "value": "fast"}"#, "value"),
        (#"{"type": "adjust_fps", "value": true}"#, "value"),
        (#"{"type": "change_resolution", "value": [8, 8]}"#, "value"),
        (#"{"type": "change_resolution", "value": 640}"#, "value"),
        (#"{"type": "set_task", "value": "dance"}"#, "value"),
        (#"{"type": "set_question", "value": ""}"#, "value"),
        (#"{"type": "reboot", "value": 1}"#, "type"),
        (#"{"value": 1}"#, "type"),
        (#"{"type": "adjust_fps"}"#, "value"),
    ])
    func badCommandsGet422(command: String, field: String) async throws {
        let test = try await TestHub()
        try await test.application().test(.router) { client in
            let (id, _) = try await Self.register(client)
            try await client.execute(uri: "/cameras/\(id)/commands", method: .post, headers: Self.admin, body: ByteBuffer(string: command)) { response in
                #expect(response.status == .unprocessableContent)
                let detail = try #require((try response.json)["detail"] as? [[String: Any]])
                #expect(detail.contains { ($0["loc"] as? [String])?.last == field })
            }
            #expect(try await test.hub.commands.commands(for: id).isEmpty)
        }
    }

    @Test func operatorCallsNeedTheAdminTokenOffLoopback() async throws {
        let test = try await TestHub()
        try await test.application().test(.router) { client in
            let (id, key) = try await Self.register(client)
            let command = Self.json(["type": "adjust_fps", "value": 5])
            try await client.execute(uri: "/cameras/\(id)/commands", method: .post, headers: Self.jsonHeaders, body: command) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/cameras/\(id)/commands", method: .post, headers: [.authorization: "Bearer \(key)"], body: command) {
                #expect($0.status == .unauthorized, "a camera cannot queue commands for itself")
            }
            for path in ["status", "commands"] {
                // The status is as open as the listing; the command queue is not.
                try await client.execute(uri: "/cameras/\(id)/\(path)", method: .get) { #expect($0.status == (path == "status" ? .ok : .unauthorized)) }
                try await client.execute(uri: "/cameras/\(id)/\(path)?api_key=wrong", method: .get) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/cameras/\(id)/\(path)", method: .get, headers: Self.admin) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/cameras/nope/status", method: .get) { response in
                let body = try response.json
                #expect(response.status == .notFound)
                #expect(body["detail"] is String)
            }
            try await client.execute(uri: "/cameras/\(id)/stop", method: .post) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/cameras/\(id)/stop?api_key=\(key)", method: .post) { response in
                #expect(response.status == .ok)
                try #expect((response.json)["status"] as? String == "success")
                try #expect((response.json)["message"] as? String == "Camera \(id) stopped")
            }
        }
    }

    @Test func uploadsReachTheFrameHubAndNeverInventAnAnswer() async throws {
        let test = try await TestHub()
        try await test.application().test(.router) { client in
            let (id, key) = try await Self.register(client)
            let jpeg = Self.tinyJPEG
            var upload: [String: Any] = [
                "camera_id": id, "api_key": key, "frame_data": Data(jpeg).base64EncodedString(),
                "timestamp": 1_700_000_000.5, "frame_number": 7,
            ]
            try await client.execute(uri: "/cameras/\(id)/upload", method: .post, headers: Self.jsonHeaders, body: Self.json(upload)) { response in
                #expect(response.status == .ok)
                let body = try response.json
                #expect(body["result"] is NSNull)
                #expect((body["frame"] as? [String: Any])?["width"] as? Int == 320)
            }
            try await client.execute(uri: "/cameras/\(id)/snapshot.jpg", method: .get) { response in
                #expect(Array(buffer: response.body) == jpeg)
            }
            upload["task"] = "caption"
            try await client.execute(uri: "/cameras/\(id)/upload", method: .post, headers: Self.jsonHeaders, body: Self.json(upload)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorBody?["code"] as? String == "no_vision_model")
            }
            #expect(test.hub.frames.feed(for: id).statistics().framesIn == 2, "the frame is kept even without a model")

            for (field, value, status) in [
                ("frame_data", "%%% not base64", HTTPResponse.Status.unprocessableContent),
                ("frame_data", Data("not a jpeg".utf8).base64EncodedString(), .unprocessableContent),
                ("task", "dance", .unprocessableContent),
                ("api_key", "wrong", .unauthorized),
            ] {
                try await client.execute(uri: "/cameras/\(id)/upload", method: .post, headers: Self.jsonHeaders, body: Self.json(upload.merging([field: value]) { $1 })) {
                    #expect($0.status == status, "\(field)=\(value)")
                }
            }
        }
    }

    @Test func rawFramesUseTheBearerKeyAndTheFrameLimit() async throws {
        let test = try await TestHub { $0.hub.maxFrameBytes = 4096 }
        try await test.application().test(.router) { client in
            let (id, key) = try await Self.register(client)
            let headers: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "image/jpeg"]
            try await client.execute(uri: "/cameras/\(id)/frames", method: .post, headers: headers, body: ByteBuffer(bytes: Self.tinyJPEG)) { response in
                #expect(response.status == .ok)
                try #expect((response.json)["sequence"] as? Int == 1)
            }
            try await client.execute(uri: "/cameras/\(id)/frames", method: .post, headers: [.authorization: "Bearer nope"], body: ByteBuffer(bytes: Self.tinyJPEG)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/cameras/\(id)/frames", method: .post, headers: headers, body: ByteBuffer(repeating: 0xFF, count: 5000)) {
                #expect($0.status == .contentTooLarge)
            }
            try await client.execute(uri: "/cameras/\(id)/frames", method: .post, headers: headers, body: ByteBuffer(bytes: Self.tinyJPEG.dropLast(2))) {
                #expect($0.status == .unprocessableContent)
            }
            // A stopped camera's frames are refused until it is started again.
            try await client.execute(uri: "/cameras/\(id)/stop", method: .post, headers: Self.admin) { #expect($0.status == .ok) }
            try await client.execute(uri: "/cameras/\(id)/frames", method: .post, headers: headers, body: ByteBuffer(bytes: Self.tinyJPEG)) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/cameras/\(id)/start", method: .post, headers: Self.admin) { #expect($0.status == .ok) }
            try await client.execute(uri: "/cameras/\(id)/frames", method: .post, headers: headers, body: ByteBuffer(bytes: Self.tinyJPEG)) {
                #expect($0.status == .ok)
            }
        }
    }
}

enum JPEGFixtures {
    /// SOI, APP0, a baseline frame header for `width`x`height`, a few bytes, and EOI.
    static func minimal(width: Int, height: Int) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 0x03]
        bytes += [1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        bytes += [0xFF, 0xD9]
        return bytes
    }
}
