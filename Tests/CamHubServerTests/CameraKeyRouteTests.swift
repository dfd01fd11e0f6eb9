import CamHubCore
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("POST and DELETE /cameras/{id}/key")
struct CameraKeyRouteTests {
    static let beat = RegistrationRouteTests.json(["status": "active", "frame_count": 1])

    static func heartbeat(_ client: some TestClientProtocol, _ id: String, key: String) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/cameras/\(id)/heartbeat", method: .post, headers: [.contentType: "application/json", .xAPIKey: key], body: beat) { $0.status }
    }

    @Test func aRotatedKeyIsAnsweredOnceAndTheOldOneRefusedAtOnce() async throws {
        let test = try await TestHub { $0.server.trustLoopback = false }
        try await test.application().test(.router) { client in
            let (id, old) = try await RegistrationRouteTests.register(client)
            #expect(try await Self.heartbeat(client, id, key: old) == .ok)
            try await client.execute(uri: "/cameras/\(id)/key", method: .post) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/cameras/\(id)/key", method: .post, headers: [.xAPIKey: old]) { response in
                #expect(response.status == .unauthorized, "a camera cannot rotate its own key")
            }
            let new = try await client.execute(uri: "/cameras/\(id)/key", method: .post, headers: RegistrationRouteTests.admin) { response in
                #expect(response.status == .created)
                return try response.json["api_key"] as! String
            }
            #expect(new != old)
            #expect(try await Self.heartbeat(client, id, key: old) == .unauthorized)
            #expect(try await Self.heartbeat(client, id, key: new) == .ok)
            try await client.execute(uri: "/cameras/\(id)/key", method: .delete, headers: RegistrationRouteTests.admin) { response in
                #expect(response.status == .ok)
            }
            #expect(try await Self.heartbeat(client, id, key: new) == .unauthorized)
            try await client.execute(uri: "/cameras/nope/key", method: .post, headers: RegistrationRouteTests.admin) { response in
                #expect(response.status == .notFound && response.errorBody?["code"] != nil)
            }
        }
        #expect(try await test.hub.cameras.list().allSatisfy { $0.keyHash == nil || $0.kind != .registered })
    }
}
