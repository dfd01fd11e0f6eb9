import CamHubCore
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("HTTP routes")
struct RouteTests {
    @Test func healthHasTheSeedFields() async throws {
        let test = try await TestHub()
        test.publish()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let json = try response.json
                #expect(json["status"] as? String == "healthy")
                #expect(json["registered_cameras"] as? Int == 1)
                #expect(json["active_cameras"] as? Int == 1)
                let system = try #require(json["system_info"] as? [String: Any])
                let cpu = try #require(system["cpu_percent"] as? Double)
                let memory = try #require(system["memory_percent"] as? Double)
                #expect((0...100).contains(cpu))
                #expect(memory > 0 && memory <= 100)
            }
        }
    }

    @Test func camerasAreListedByIdInTheSeed000Shape() async throws {
        let test = try await TestHub(cameraIDs: ["a", "b"])
        test.publish("a")
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/cameras", method: .get) { response in
                let json = try response.json
                #expect(Set(json.keys) == ["a", "b"])
                let a = try #require(json["a"] as? [String: Any])
                for key in ["name", "location", "status", "registered_at", "last_heartbeat", "frame_count", "uptime_seconds"] {
                    #expect(a.keys.contains(key), "missing \(key)")
                }
                #expect(a["frame_count"] as? Int == 1)
                #expect(a["status"] as? String == "active")
            }
        }
    }

    @Test func snapshotReturnsTheNewestJPEGUnchanged() async throws {
        let test = try await TestHub()
        test.publish(marker: 1)
        let newest = test.publish(marker: 2)
        try await test.application().test(.router) { client in
            for uri in ["/cameras/testpattern/snapshot.jpg", "/api/frame"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "image/jpeg")
                    #expect(Array(buffer: response.body) == newest.jpeg)
                    #expect(response.headers[HTTPField.Name("X-Timestamp")!] == newest.timestamp.headerValue)
                }
            }
        }
    }

    @Test(arguments: [
        ("/cameras/nope/snapshot.jpg", HTTPResponse.Status.notFound, "not_found"),
        ("/cameras/nope/stream.mjpeg", .notFound, "not_found"),
        ("/cameras/testpattern/snapshot.jpg?size=abc", .badRequest, "bad_request"),
        ("/cameras/testpattern/stream.mjpeg?size=10x", .badRequest, "bad_request"),
        ("/cameras/testpattern/snapshot.jpg?size=99999x10", .badRequest, "bad_request"),
        ("/no/such/route", .notFound, "not_found"),
    ])
    func badRequestsGetAJSONError(uri: String, status: HTTPResponse.Status, code: String) async throws {
        let test = try await TestHub()
        test.publish()
        try await test.application().test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == status)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(response.errorBody?["code"] as? String == code)
                #expect((response.errorBody?["message"] as? String)?.isEmpty == false)
            }
            // The server keeps serving after the error.
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func seedStatusShapes() async throws {
        let test = try await TestHub()
        test.publish()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/status", method: .get) { response in
                let json = try response.json
                for key in ["is_running", "is_connected", "queue_size", "reconnect_attempts", "stats", "config"] {
                    #expect(json.keys.contains(key), "missing \(key)")
                }
                let stats = try #require(json["stats"] as? [String: Any])
                #expect(stats["frames_captured"] as? Int == 1)
                #expect(Set(stats.keys).isSuperset(of: ["frames_dropped", "connection_errors", "uptime", "last_frame_age"]))
                #expect(json["is_connected"] as? Bool == true)
                #expect(json["reconnect_attempts"] as? Int == 0)
                #expect(stats["state"] as? String == "streaming")
            }
            try await client.execute(uri: "/api/status", method: .get) { response in
                let json = try response.json
                #expect(Set(json.keys) == ["camera_id", "width", "height", "fps", "is_running", "frame_available", "smframe_available"])
                #expect(json["frame_available"] as? Bool == true)
                #expect(json["width"] as? Int == 640)
            }
        }
    }

    @Test func metricsExposeFrameCountersPerCamera() async throws {
        let test = try await TestHub()
        for _ in 0..<3 { test.publish() }
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"camhub_frames_in_total{camera="testpattern"} 3"#))
                #expect(text.contains(#"camhub_viewers{camera="testpattern"} 0"#))
                for name in ["camhub_frames_delivered_total", "camhub_frames_skipped_total", "camhub_camera_fps", "camhub_frame_bytes_in_total"] {
                    #expect(text.contains(name), "missing \(name)")
                }
            }
            test.publish()
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"camhub_frames_in_total{camera="testpattern"} 4"#))
                // A local camera's capture, in seed 001's terms.
                #expect(text.contains(#"camhub_capture_frames_total{camera="testpattern"} 4"#))
                #expect(text.contains(#"camhub_capture_connected{camera="testpattern"} 1"#))
                #expect(text.contains(#"camhub_capture_connection_errors_total{camera="testpattern"} 0"#))
            }
            // A restart starts the camera's counters again; the exported counter keeps counting up.
            test.hub.localCameras.restart("testpattern")
            test.publish()
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"camhub_capture_frames_total{camera="testpattern"} 5"#))
            }
        }
    }

    @Test func theWebAppIsServedFromTheBinaryWithNoCDN() async throws {
        let test = try await TestHub()
        try await test.application().test(.router) { client in
            // A program (no text/html in Accept) gets the originals' root JSON instead.
            try await client.execute(uri: "/", method: .get, headers: [.accept: "*/*"]) { response in
                let body = try response.json
                #expect(body["message"] as? String == "LPR WebSocket Server v3")
                #expect(body["registered_cameras"] as? Int == 1)
            }
            try await client.execute(uri: "/websocket", method: .get) { response in
                let body = try response.json
                #expect(body["message"] as? String == "WebSocket endpoint is available")
            }
            try await client.execute(uri: "/", method: .get, headers: [.accept: "text/html,application/xhtml+xml,*/*;q=0.8"]) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = String(buffer: response.body)
                #expect(page.contains(#"src="/app/app.js""#))
                #expect(!page.contains("https://"))
            }
            try await client.execute(uri: "/app/app.js", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/javascript") == true)
                let script = String(buffer: response.body)
                #expect(script.contains("fetch(\"/cameras\")"))
                #expect(script.contains("/ws/live"))
                #expect(!script.contains("https://"))
            }
            try await client.execute(uri: "/app/../../etc/passwd", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}

@Suite("405 for a route's other methods")
struct MethodNotAllowedTests {
    @Test func aRouteAskedWithAnotherMethodAnswers405WithAllowAndAMissingRoute404() async throws {
        let test = try await TestHub()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/health", method: .delete) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "GET")
                #expect(response.errorBody?["code"] as? String == "method_not_allowed")
            }
            try await client.execute(uri: "/cameras/abc/key", method: .put) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "DELETE, POST")
            }
            try await client.execute(uri: "/no/such/route", method: .get) { response in
                #expect(response.status == .notFound && response.errorBody?["code"] as? String == "not_found")
            }
            // A route that exists and answers 404 itself stays 404.
            try await client.execute(uri: "/api/events/nope", method: .get, headers: EventRouteTests.admin) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
