import CamHubCapture
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

    @Test func aClipPlaysAtItsPaceAsTheCamerasJPEGsAndDownloadsAsMP4() async throws {
        let test = try await TestHub { $0.server.trustLoopback = false }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var event = CameraEvent(id: "e-1", cameraID: "testpattern", start: start, end: start.addingTimeInterval(1))
        event.clip = ClipStore.name(of: event.id)
        try await test.hub.events.add(event)
        try await test.hub.events.add(CameraEvent(id: "e-2", cameraID: "testpattern", start: start))
        var picture = YUV420Picture(width: 64, height: 48)
        let jpegs = try (0..<3).map { index -> [UInt8] in
            picture.fill(x: 0, y: 0, width: 64, height: 48, color: YUVColor(y: UInt8(60 + index * 40), u: 128, v: 128))
            return try JPEGEncoder().encode(picture, quality: 80)
        }
        let store = test.hub.clipStore
        let output = try store.create("e-1.clip")
        for (index, jpeg) in jpegs.enumerated() {
            try output.append(ClipFile.Frame(timestamp: FrameTimestamp(microseconds: 1_800_000_000_000_000 + Int64(index) * 150_000), jpeg: jpeg))
        }
        output.close()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/events/e-1", method: .get, headers: Self.admin) { response in
                let body = try response.json
                #expect(body["clip_url"] as? String == "/api/events/e-1/clip.mjpeg")
            }
            let began = ContinuousClock.now
            try await client.execute(uri: "/api/events/e-1/clip.mjpeg", method: .get, headers: Self.admin) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "multipart/x-mixed-replace; boundary=frame")
                let body = Array(buffer: response.body)
                for jpeg in jpegs { #expect(body.firstRange(of: jpeg) != nil, "each frame as the camera sent it") }
                #expect(body.suffix(11) == Array("--frame--\r\n".utf8))
            }
            #expect(ContinuousClock.now - began >= .milliseconds(300), "played at the pace the frames came")
            try await client.execute(uri: "/api/events/e-1/clip.mp4", method: .get, headers: Self.admin) { response in
                if ClipVideoProbe.ffmpegInstalled {
                    let body = Array(buffer: response.body)
                    #expect(response.status == .ok && response.headers[.contentType] == "video/mp4")
                    #expect(body.count > 100 && Array(body[4..<8]) == Array("ftyp".utf8))
                } else {
                    #expect(response.status == .serviceUnavailable && response.errorBody?["message"].map { "\($0)".contains("ffmpeg") } == true)
                }
            }
            for uri in ["/api/events/e-2/clip.mjpeg", "/api/events/e-2/clip.mp4", "/api/events/nope/clip.mjpeg"] {
                try await client.execute(uri: uri, method: .get, headers: Self.admin) { response in
                    #expect(response.status == .notFound && response.errorBody?["code"] != nil, "\(uri)")
                }
            }
            try await client.execute(uri: "/api/events/e-1/clip.mjpeg", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}

@Suite("The events timeline")
struct EventTimelineRouteTests {
    static let admin = EventRouteTests.admin

    @Test func motionDetectionsAndAnalysesShareOneTimelineNewestFirst() async throws {
        let test = try await TestHub { $0.server.trustLoopback = false }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try await test.hub.events.add(CameraEvent(id: "m-1", cameraID: "testpattern", start: start, end: start.addingTimeInterval(3), zones: ["gate"]))
        let detection = DetectionRecord(
            id: "d-1", cameraID: "gate-cam", checkpointID: "cp1", timestamp: "2027-01-15T08:00:10Z", receivedAt: start.addingTimeInterval(10),
            vehiclesCount: 1, platesCount: 1, plates: ["ABC123"], processingTimeMS: nil, detailsJSON: "{}", annotatedImage: "annotated.jpg", croppedPlates: []
        )
        try await test.hub.records.add(detections: [detection], healthReports: [])
        try await test.hub.blobs.put("annotated.jpg", Data([0xFF, 0xD8, 7, 0xFF, 0xD9]))
        let analysis = try await test.hub.analyses.add(
            cameraID: "testpattern", task: .vqa, question: "Is the gate open?", answer: AnalysisAnswer(text: "Yes", latency: 0.5, tokensPerSecond: nil, model: "m"),
            frameTime: start.addingTimeInterval(4), at: start.addingTimeInterval(5)
        )
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/events", method: .get, headers: Self.admin) { response in
                let body = try response.json
                let events = try #require(body["events"] as? [[String: Any]])
                #expect(body["total_count"] as? Int == 3)
                #expect(events.map { $0["id"] as? String } == ["detection-d-1", "analysis-\(analysis.id)", "m-1"])
                #expect(events.map { $0["kind"] as? String } == ["detection", "analysis", "motion"])
                #expect(events[0]["caption"] as? String == "ABC123" && events[0]["snapshot_url"] as? String == "/api/events/detection-d-1/snapshot.jpg")
                #expect(events[1]["caption"] as? String == "Is the gate open? — Yes" && events[1]["snapshot_url"] is NSNull)
            }
            try await client.execute(uri: "/api/events?limit=1&offset=1", method: .get, headers: Self.admin) { response in
                let events = try #require(try response.json["events"] as? [[String: Any]])
                #expect(events.map { $0["id"] as? String } == ["analysis-\(analysis.id)"])
            }
            try await client.execute(uri: "/api/events?kind=detection&camera_id=gate-cam", method: .get, headers: Self.admin) { response in
                let body = try response.json
                #expect((body["events"] as? [[String: Any]])?.map { $0["id"] as? String } == ["detection-d-1"] && body["total_count"] as? Int == 1)
            }
            for uri in ["/api/events?zone=gate", "/api/events?camera_id=testpattern&until=1800000004"] {
                try await client.execute(uri: uri, method: .get, headers: Self.admin) { response in
                    let events = try response.json["events"] as? [[String: Any]]
                    #expect(events?.map { $0["id"] as? String } == ["m-1"], "\(uri)")
                }
            }
            try await client.execute(uri: "/api/events/detection-d-1", method: .get, headers: Self.admin) { response in
                let body = try response.json
                #expect(body["camera_id"] as? String == "gate-cam")
            }
            try await client.execute(uri: "/api/events/detection-d-1/snapshot.jpg", method: .get, headers: Self.admin) { response in
                #expect(response.status == .ok && Array(buffer: response.body) == [0xFF, 0xD8, 7, 0xFF, 0xD9])
            }
            for (uri, status) in [("/api/events?kind=explosion", HTTPResponse.Status.badRequest), ("/api/events/detection-nope", .notFound),
                                  ("/api/events/analysis-abc", .notFound), ("/api/events/analysis-\(analysis.id)/clip.mjpeg", .notFound)] {
                try await client.execute(uri: uri, method: .get, headers: Self.admin) { response in
                    #expect(response.status == status && response.errorBody?["code"] != nil, "\(uri)")
                }
            }
        }
    }
}

/// Whether this machine can make MP4s (the test command installs ffmpeg; without it the route must say so).
enum ClipVideoProbe {
    static var ffmpegInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") }
}
