import CamHubCore
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Seed 002's REST fallback through the router (the record writer runs as the app's service).
@Suite("LPR REST fallback")
struct LPRRouteTests {
    static let json = RegistrationRouteTests.json
    static let headers: HTTPFields = [.contentType: "application/json"]
    static var detection: [String: Any] {
        ["type": "detection_result", "camera_id": "cam_9", "checkpoint_id": "cp_1", "timestamp": "2024-12-19T10:00:00Z", "ocr_results": ["ab 123"], "plate_detections": [["text": "AB 123"], ["text": "zz9"]]]
    }

    @Test func aDetectionIsStoredWithItsPlatesAndTheCameraRegistered() async throws {
        let test = try await TestHub()
        let body = Self.json(Self.detection)
        try await test.application().test(.router) { client in
            let id = try await client.execute(uri: "/api/detection", method: .post, headers: Self.headers, body: body) { response in
                #expect(response.status == .ok)
                return try #require(try response.json["detection_id"] as? String)
            }
            let stored = try await test.hub.records.detections(DetectionQuery(plate: "ZZ9"))
            #expect(stored.map(\.id) == [id])
            #expect(stored.first?.plates == ["AB 123", "ZZ9"])
        }
        let camera = try #require(try await test.hub.cameras.camera(id: "cam_9"))
        #expect(camera.kind == .edge)
        #expect(camera.metadata["checkpoint_id"] == "cp_1")
    }

    @Test func missingFieldsAreNamedInA400() async throws {
        let test = try await TestHub()
        var partial = Self.detection
        partial["camera_id"] = nil
        partial["timestamp"] = ""
        partial["type"] = nil
        let body = Self.json(partial)
        // A health report also needs its component and status, as in the original.
        let health = Self.json(["type": "health_check", "camera_id": "cam_9", "checkpoint_id": "cp_1", "timestamp": "t"])
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/detection", method: .post, headers: Self.headers, body: body) { response in
                let answer = try response.json
                #expect(response.status == .badRequest)
                #expect(answer["missing_fields"] as? [String] == ["type", "camera_id", "timestamp"])
                #expect(answer["success"] as? Bool == false)
                #expect(answer["message"] as? String == "Missing required fields: type, camera_id, timestamp")
            }
            try await client.execute(uri: "/api/health", method: .post, headers: Self.headers, body: health) { response in
                let answer = try response.json
                #expect(response.status == .badRequest)
                #expect(answer["missing_fields"] as? [String] == ["component", "status"])
            }
        }
        #expect(try await test.hub.records.detections(DetectionQuery()).isEmpty)
    }

    @Test func aBadCameraIDOrTypeIs422() async throws {
        let test = try await TestHub()
        var badID = Self.detection
        badID["camera_id"] = "cam 9/../x"
        var badType = Self.detection
        badType["plates_count"] = "two"
        let bodies = [Self.json(badID), Self.json(badType)]
        try await test.application().test(.router) { client in
            for body in bodies {
                try await client.execute(uri: "/api/detection", method: .post, headers: Self.headers, body: body) { response in
                    #expect(response.status == .unprocessableContent)
                }
            }
        }
    }

    @Test func theTokenIsRequiredWhenSet() async throws {
        let test = try await TestHub { $0.lpr.token = "lpr-token-1234" }
        let body = Self.json(Self.detection)
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/detection", method: .post, headers: Self.headers, body: body) { response in
                #expect(response.status == .unauthorized)
            }
            var authorized = Self.headers
            authorized[.authorization] = "Bearer lpr-token-1234"
            let headers = authorized
            try await client.execute(uri: "/api/detection", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
