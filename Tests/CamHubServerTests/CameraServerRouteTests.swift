import CamHubCore
import CamHubPush
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `POST /cameras` and the seed 003 HTTP paths. Router-tester requests have no peer address, so
/// they are not loopback: operator calls need the admin token.
@Suite("Camera creation and the seed 003 HTTP paths")
struct CameraServerRouteTests {
    static let admin = RegistrationRouteTests.admin
    static let json = RegistrationRouteTests.json

    @Test func anOperatorCreatesANumericCameraAndGetsItsPushToken() async throws {
        let test = try await TestHub()
        try await test.application().test(.router) { client in
            let token = try await client.execute(uri: "/cameras", method: .post, headers: Self.admin, body: Self.json(["id": 12, "name": "Gate", "location": "North"])) { response in
                #expect(response.status == .created)
                let body = try response.json
                #expect(body["id"] as? String == "12")
                #expect(body["kind"] as? String == "pushed")
                return body["push_token"] as? String
            }
            // The token of its own generation, kept with it: not the id's alone.
            let camera = try #require(try await test.hub.cameras.camera(id: "12"))
            let generation = try #require(PushTokens.generation(of: camera))
            #expect(token == test.hub.pushTokens.token(for: 12, generation: generation) && token != test.hub.pushTokens.token(for: 12))
            // Without an id: the next free integer.
            try await client.execute(uri: "/cameras", method: .post, headers: Self.admin, body: Self.json(["name": "Next"])) { response in
                #expect(response.status == .created)
                try #expect(response.json["id"] as? String == "13")
            }
            // A named camera has no push token.
            try await client.execute(uri: "/cameras", method: .post, headers: Self.admin, body: Self.json(["id": "yard", "name": "Yard"])) { response in
                #expect(response.status == .created)
                try #expect(response.json["push_token"] == nil)
            }
            try await client.execute(uri: "/cameras", method: .post, headers: Self.admin, body: Self.json(["id": "12", "name": "Again"])) { response in
                #expect(response.status == .conflict)
                #expect(response.errorBody?["code"] as? String == "conflict")
            }
        }
        #expect(try await test.hub.cameras.camera(id: "12")?.name == "Gate")
    }

    @Test func badCameraBodiesAreRefusedNamingTheField() async throws {
        let test = try await TestHub()
        try await test.application().test(.router) { client in
            for bad: [String: any Sendable] in [["id": 0, "name": "x"], ["id": "007", "name": "x"], ["id": "a b", "name": "x"], ["id": 1.5, "name": "x"], ["id": true, "name": "x"]] {
                try await client.execute(uri: "/cameras", method: .post, headers: Self.admin, body: Self.json(bad)) { response in
                    #expect(response.status == .unprocessableContent, "\(bad)")
                    let detail = try response.json["detail"] as? [[String: Any]]
                    #expect(detail?.first?["loc"] as? [String] == ["body", "id"], "\(bad)")
                }
            }
            try await client.execute(uri: "/cameras", method: .post, headers: Self.admin, body: Self.json(["id": 5])) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("name"))
            }
            try await client.execute(uri: "/cameras", method: .post, headers: Self.admin, body: ByteBuffer(string: "{nope")) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/cameras", method: .post, headers: [.contentType: "application/json"], body: Self.json(["name": "x"])) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func listGetImageAndHello() async throws {
        let test = try await TestHub()
        try await test.hub.cameras.create(Camera(id: "3", name: "Three", location: "Hall", kind: .pushed, source: "websocket"))
        let frame = test.publish("3", marker: 5)
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/hello", method: .get) { response in
                try #expect(response.json["message"] as? String == "Hello World!")
            }
            try await client.execute(uri: "/list", method: .get) { response in
                let list = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]
                let three = list?.first { ($0["id"] as? Int) == 3 }
                #expect(three?["name"] as? String == "Three")
                #expect(three?["hasImage"] as? Bool == true)
                let pattern = list?.first { ($0["id"] as? String) == "testpattern" }
                #expect(pattern?["hasImage"] as? Bool == false)
            }
            try await client.execute(uri: "/get-image?cameraId=3", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/jpeg")
                #expect(Array(buffer: response.body) == frame.jpeg)
            }
            try await client.execute(uri: "/get-image?cameraId=testpattern", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.errorBody?["code"] as? String == "no_image")
            }
            try await client.execute(uri: "/get-image?cameraId=404", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/get-image", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/mocked-image", method: .get) { response in
                #expect(response.status == .ok)
                #expect(JPEGHeader(Array(buffer: response.body)) == JPEGHeader(JPEGFixtures.minimal(width: 640, height: 480)))
            }
        }
    }

    static func multipart(_ fields: [(name: String, filename: String?, bytes: [UInt8])], boundary: String = "XyZ123") -> ByteBuffer {
        var body: [UInt8] = []
        for field in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field.name)\"".utf8)
            if let filename = field.filename { body += Array("; filename=\"\(filename)\"\r\nContent-Type: image/jpeg".utf8) }
            body += Array("\r\n\r\n".utf8) + field.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: body)
    }

    static let form: HTTPFields = [.contentType: "multipart/form-data; boundary=XyZ123"]

    @Test func updateImageTakesTheTokenOrTheOperator() async throws {
        let test = try await TestHub()
        try await test.hub.cameras.create(Camera(id: "4", name: "Four", kind: .pushed, source: "websocket"))
        let jpeg = JPEGFixtures.minimal(width: 320, height: 240)
        let token = test.hub.pushTokens.token(for: 4)
        try await test.application().test(.router) { client in
            let withToken = Self.multipart([("cameraId", nil, Array("4".utf8)), ("token", nil, Array(token.utf8)), ("image", "a.jpg", jpeg)])
            try await client.execute(uri: "/update-image", method: .post, headers: Self.form, body: withToken) { response in
                #expect(response.status == .ok)
                try #expect(response.json["width"] as? Int == 320)
            }
            let noToken = Self.multipart([("cameraId", nil, Array("4".utf8)), ("image", "a.jpg", jpeg)])
            try await client.execute(uri: "/update-image", method: .post, headers: Self.form, body: noToken) { response in
                #expect(response.status == .unauthorized)
            }
            let wrongToken = Self.multipart([("cameraId", nil, Array("4".utf8)), ("token", nil, Array(test.hub.pushTokens.token(for: 5).utf8)), ("image", "a.jpg", jpeg)])
            try await client.execute(uri: "/update-image", method: .post, headers: Self.form, body: wrongToken) { response in
                #expect(response.status == .unauthorized)
            }
            // The operator may post to a new id, which creates the camera.
            var operatorForm = Self.form
            operatorForm[.authorization] = "Bearer \(TestHub.adminToken)"
            let asOperator = operatorForm
            let newCamera = Self.multipart([("cameraId", nil, Array("9".utf8)), ("image", "a.jpg", jpeg)])
            try await client.execute(uri: "/update-image", method: .post, headers: asOperator, body: newCamera) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/update-image", method: .post, headers: Self.form, body: Self.multipart([("cameraId", nil, Array("77".utf8)), ("token", nil, Array(token.utf8)), ("image", "a.jpg", jpeg)])) { response in
                #expect(response.status == .notFound)
            }
        }
        #expect(test.hub.frames.existingFeed(for: "4")?.newest?.jpeg == jpeg)
        #expect(try await test.hub.cameras.camera(id: "9")?.kind == .pushed)
        #expect(test.hub.frames.existingFeed(for: "9")?.newest?.jpeg == jpeg)
    }

    @Test func badUpdateImageRequestsGetTheRightErrors() async throws {
        let test = try await TestHub()
        var operatorHeaders = Self.form
        operatorHeaders[.authorization] = "Bearer \(TestHub.adminToken)"
        let headers = operatorHeaders
        let jpeg = JPEGFixtures.minimal(width: 320, height: 240)
        try await test.application().test(.router) { client in
            let cases: [(HTTPFields, ByteBuffer, HTTPResponse.Status)] = [
                (headers, Self.multipart([("cameraId", nil, Array("0".utf8)), ("image", "a.jpg", jpeg)]), .badRequest),
                (headers, Self.multipart([("cameraId", nil, Array("-3".utf8)), ("image", "a.jpg", jpeg)]), .badRequest),
                (headers, Self.multipart([("image", "a.jpg", jpeg)]), .unprocessableContent),
                (headers, Self.multipart([("cameraId", nil, Array("4".utf8))]), .unprocessableContent),
                (headers, Self.multipart([("cameraId", nil, Array("4".utf8)), ("image", "a.jpg", [1, 2, 3])]), .unprocessableContent),
                (headers, ByteBuffer(string: "--XyZ123\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\ntruncated"), .badRequest),
                ([.contentType: "application/json", .authorization: "Bearer \(TestHub.adminToken)"], ByteBuffer(string: "{}"), .unsupportedMediaType),
            ]
            for (headers, body, status) in cases {
                try await client.execute(uri: "/update-image", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == status, "\(String(buffer: body).prefix(120))")
                    #expect(response.errorBody?["message"] is String)
                }
            }
            let oversized = Self.multipart([("cameraId", nil, Array("4".utf8)), ("image", "a.jpg", Array(repeating: 0, count: test.hub.configuration.hub.maxFrameBytes + 70 * 1024))])
            try await client.execute(uri: "/update-image", method: .post, headers: headers, body: oversized) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }
}

/// Event streams are written as the frames arrive, so they need a real socket.
@Suite("Seed 003 event stream")
struct EventStreamTests {
    @Test func eachNewFrameIsOneImageUpdateEventWithItsSequenceAndADataURL() async throws {
        let test = try await TestHub()
        let first = test.publish(marker: 1)
        let feed = test.hub.frames.feed(for: "testpattern")
        try await test.application().test(.live) { client in
            async let response = client.execute(uri: "/stream-image?cameraId=testpattern", method: .get)
            let deadline = ContinuousClock.now + .seconds(5)
            while feed.statistics().framesDelivered < 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let second = test.publish(marker: 2)
            try await Task.sleep(for: .milliseconds(100))
            feed.close()
            let received = try await response
            #expect(received.headers[.contentType] == "text/event-stream")
            let text = String(buffer: received.body)
            // The original's event: named image-update, the JPEG as a data URL.
            let expected = [first, second].map {
                "event: image-update\nid: \($0.sequence)\ndata: data:image/jpg;base64,\(Data($0.jpeg).base64EncodedString())\n\n"
            }.joined()
            #expect(text == expected)
        }
    }
}
