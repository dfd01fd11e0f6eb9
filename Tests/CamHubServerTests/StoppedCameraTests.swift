import CamHubCore
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// "Stopped" means the same on every path (see `Camera.isStopped`).
@Suite("Stopped cameras")
struct StoppedCameraTests {
    static let admin: HTTPFields = [.authorization: "Bearer \(TestHub.adminToken)", .contentType: "application/json"]

    @Test func aStoppedLocalCameraServesNothingLiveAndEveryStatusSaysSo() async throws {
        let test = try await TestHub()
        try test.publishPicture()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/cameras/testpattern/stop", method: .post, headers: Self.admin) { #expect($0.status == .ok) }
            #expect(test.hub.localCameras.isStopped("testpattern"))
            for uri in ["/video_feed", "/stream", "/api/frame", "/cameras/testpattern/stream.mjpeg", "/cameras/testpattern/snapshot.jpg", "/get-image?cameraId=testpattern"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let body = try response.json
                    #expect(response.status == .conflict, "\(uri)")
                    #expect((body["error"] as? [String: Any])?["code"] as? String == "stopped", "\(uri)")
                }
            }
            try await client.execute(uri: "/status", method: .get) { response in
                let body = try response.json
                #expect(body["is_running"] as? Bool == false)
            }
            try await client.execute(uri: "/api/status", method: .get) { response in
                let body = try response.json
                #expect(body["is_running"] as? Bool == false)
            }
            try await client.execute(uri: "/cameras/testpattern/status", method: .get) { response in
                let body = try response.json
                #expect(body["status"] as? String == "stopped")
                #expect(body["is_running"] as? Bool == false)
            }

            try await client.execute(uri: "/cameras/testpattern/start", method: .post, headers: Self.admin) { #expect($0.status == .ok) }
            #expect(!test.hub.localCameras.isStopped("testpattern"))
            try test.publishPicture()
            try await client.execute(uri: "/api/frame", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/status", method: .get) { response in
                let body = try response.json
                #expect(body["is_running"] as? Bool == true)
            }
        }
    }

    @Test func aStoppedEdgeCamerasDetectionsAreRefusedAndCountedButItsHealthIsTaken() async throws {
        let test = try await TestHub()
        let headers: HTTPFields = [.contentType: "application/json"]
        let detection = RegistrationRouteTests.json(LPRRouteTests.detection)
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/detection", method: .post, headers: headers, body: detection) { #expect($0.status == .ok) }
            try await client.execute(uri: "/cameras/cam_9/stop", method: .post, headers: Self.admin) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/detection", method: .post, headers: headers, body: detection) { response in
                let body = try response.json
                #expect(response.status == .conflict)
                #expect(body["success"] as? Bool == false)
            }
            let health = RegistrationRouteTests.json([
                "type": "health_check", "camera_id": "cam_9", "checkpoint_id": "cp_1", "timestamp": "2024-12-19T10:00:00Z",
                "component": "camera", "status": "healthy",
            ])
            try await client.execute(uri: "/api/health", method: .post, headers: headers, body: health) { #expect($0.status == .ok) }
            try await client.execute(uri: "/cameras/cam_9/status", method: .get) { response in
                let body = try response.json
                #expect(body["status"] as? String == "stopped")
                let refused = body["refused"] as? [String: Any]
                #expect(refused?["count"] as? Int == 1)
                #expect(refused?["last_reason"] as? String == "detection from a stopped camera")
            }
        }
        #expect(try await test.hub.records.detections(DetectionQuery()).count == 1)
    }

    @Test func aCameraThatLeftTheConfigLeavesTheListingAndItsRoutesAnswer404() async throws {
        let test = try await TestHub(cameraIDs: ["testpattern", "porch"])
        try await test.application().test(.router) { client in
            var file = HubConfiguration()
            file.cameras = [LocalCameraSettings(id: "testpattern", name: "Camera testpattern")]
            _ = try await test.hub.reconfigure(with: file, write: false, logger: .init(label: "test"))
            try await client.execute(uri: "/cameras", method: .get) { response in
                let body = try response.json
                #expect(body.keys.sorted() == ["testpattern"])
            }
            for uri in ["/cameras/porch/status", "/cameras/porch/stream.mjpeg", "/cameras/porch/snapshot.jpg"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .notFound, "\(uri)") }
            }
        }
    }
}
