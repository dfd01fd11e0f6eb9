import CamHubCore
@testable import CamHubServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /api/events")
struct EventRouteTests {
    static let admin: HTTPFields = [.authorization: "Bearer \(TestHub.adminToken)"]

    @Test func eventsAreListedFilteredAndServedWithTheirPicture() async throws {
        let test = try await TestHub { $0.server.trustLoopback = false }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var first = CameraEvent(id: "e-1", cameraID: "testpattern", start: start, end: start.addingTimeInterval(4), zones: ["gate"],
                                boxes: [EventBox(x: 0.5, y: 0.25, width: 0.125, height: 0.25)], peakArea: 0.02)
        first.snapshot = "motion-e-1-2.jpg"
        try await test.hub.events.add(first)
        try await test.hub.events.add(CameraEvent(id: "e-2", cameraID: "testpattern", start: start.addingTimeInterval(60), end: start.addingTimeInterval(61)))
        try await test.hub.blobs.put("motion-e-1-2.jpg", Data([0xFF, 0xD8, 1, 0xFF, 0xD9]))
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/events", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/events", method: .get, headers: Self.admin) { response in
                #expect(response.status == .ok)
                let body = try response.json
                #expect(body["total_count"] as? Int == 2)
                let events = try #require(body["events"] as? [[String: Any]])
                #expect(events.map { $0["id"] as? String } == ["e-2", "e-1"])
                #expect(events[0]["end"] as? String == JSONText.timestamp(start.addingTimeInterval(61)))
                #expect(events[0]["snapshot_url"] is NSNull && events[0]["clip_url"] is NSNull && events[0]["unfinished"] as? Bool == false)
                #expect(events[1]["snapshot_url"] as? String == "/api/events/e-1/snapshot.jpg" && events[1]["zones"] as? [String] == ["gate"])
                #expect(events[1]["start"] as? String == JSONText.timestamp(start))
            }
            try await client.execute(uri: "/api/events?zone=gate&since=1800000000&limit=1", method: .get, headers: Self.admin) { response in
                let events = try #require(try response.json["events"] as? [[String: Any]])
                #expect(events.map { $0["id"] as? String } == ["e-1"])
            }
            try await client.execute(uri: "/api/events/e-1", method: .get, headers: Self.admin) { response in
                let body = try response.json
                #expect(body["peak_area"] as? Double == 0.02)
            }
            try await client.execute(uri: "/api/events/e-1/snapshot.jpg", method: .get, headers: Self.admin) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg" && Array(buffer: response.body) == [0xFF, 0xD8, 1, 0xFF, 0xD9])
            }
            for (uri, status) in [("/api/events/e-2/snapshot.jpg", HTTPResponse.Status.notFound), ("/api/events/nope", .notFound),
                                  ("/api/events?limit=0", .badRequest), ("/api/events?limit=abc", .badRequest), ("/api/events?since=yesterday", .badRequest)] {
                try await client.execute(uri: uri, method: .get, headers: Self.admin) { response in
                    #expect(response.status == status, "\(uri)")
                    #expect(response.errorBody?["code"] != nil, "\(uri) has no JSON error")
                }
            }
        }
    }
}
