import CamHubAnalysis
import CamHubCore
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Uploads with analysis")
struct AnalysisRouteTests {
    struct EchoModel: VisionModel {
        func analyze(jpeg: [UInt8], task: AnalysisTask, question: String?) async throws -> AnalysisAnswer {
            AnalysisAnswer(text: task == .vqa ? "yes: \(question ?? "")" : "a \(jpeg.count)-byte picture", latency: 0.25, tokensPerSecond: 18.5, model: "echo")
        }
    }

    struct BrokenModel: VisionModel {
        let error: VisionModelError
        func analyze(jpeg: [UInt8], task: AnalysisTask, question: String?) async throws -> AnalysisAnswer { throw error }
    }

    static func upload(_ client: some TestClientProtocol, id: String, key: String, task: String, question: String? = nil) async throws -> TestResponse {
        var body: [String: Any] = ["api_key": key, "frame_data": Data(JPEGFixtures.minimal(width: 64, height: 48)).base64EncodedString(), "task": task]
        body["question"] = question
        return try await client.execute(uri: "/cameras/\(id)/upload", method: .post, headers: RegistrationRouteTests.jsonHeaders, body: RegistrationRouteTests.json(body))
    }

    @Test func captionsAndAnswersComeBackInTheSeedShapeAndAreStored() async throws {
        let test = try await TestHub(vision: EchoModel())
        try await test.application().test(.router) { client in
            let (id, key) = try await RegistrationRouteTests.register(client)
            let caption = try await Self.upload(client, id: id, key: key, task: "caption")
            #expect(caption.status == .ok)
            let body = try caption.json
            #expect(body["task"] as? String == "caption")
            let result = try #require(body["result"] as? [String: Any])
            #expect(result["caption"] as? String == "a \(JPEGFixtures.minimal(width: 64, height: 48).count)-byte picture")
            #expect(result["latency"] as? Double == 0.25)
            #expect(result["tokens_per_second"] as? Double == 18.5)
            #expect(body["processing_time"] is Double)

            let answer = try await Self.upload(client, id: id, key: key, task: "vqa", question: "Is there a person?")
            #expect(((try answer.json)["result"] as? [String: Any])?["answer"] as? String == "yes: Is there a person?")

            try await client.execute(uri: "/cameras/\(id)/results?api_key=\(key)", method: .get) { response in
                let results = try #require((try response.json)["results"] as? [[String: Any]])
                #expect(results.map { $0["task"] as? String } == ["vqa", "caption"])
                #expect(results.first?["question"] as? String == "Is there a person?")
            }
            try await client.execute(uri: "/cameras/\(id)/results?api_key=\(key)&limit=0", method: .get) { #expect($0.status == .badRequest) }
        }
    }

    @Test(arguments: [
        (VisionModelError(.timedOut, "slow"), HTTPResponse.Status.gatewayTimeout, "vision_model_timeout"),
        (VisionModelError(.failed, "HTTP 500"), .badGateway, "vision_model_failed"),
        (VisionModelError(.unreachable, "down"), .badGateway, "vision_model_failed"),
    ])
    func modelFailuresAreReportedAndNothingIsStored(error: VisionModelError, status: HTTPResponse.Status, code: String) async throws {
        let test = try await TestHub(vision: BrokenModel(error: error))
        try await test.application().test(.router) { client in
            let (id, key) = try await RegistrationRouteTests.register(client)
            let response = try await Self.upload(client, id: id, key: key, task: "caption")
            #expect(response.status == status)
            #expect(response.errorBody?["code"] as? String == code)
            #expect(try await test.hub.analyses.results(for: id, limit: 10).isEmpty)
            #expect(test.hub.frames.feed(for: id).statistics().framesIn == 1, "the frame is kept")
        }
    }
}

@Suite("Asking about a camera's newest frame")
struct AskRouteTests {
    static let admin: HTTPFields = [.authorization: "Bearer \(TestHub.adminToken)", .contentType: "application/json"]
    static let question = ByteBuffer(string: #"{"question": "Is the gate open?"}"#)

    @Test func theAnswerComesFromTheModelAndIsStored() async throws {
        let test = try await TestHub(vision: AnalysisRouteTests.EchoModel())
        test.publish()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/cameras/testpattern/ask", method: .post, headers: Self.admin, body: Self.question) { response in
                #expect(response.status == .ok)
                let result = try #require(try response.json["result"] as? [String: Any])
                #expect((result["answer"] as? String)?.contains("Is the gate open?") == true)
            }
        }
        let stored = try await test.hub.analyses.results(for: "testpattern", limit: 5)
        #expect(stored.first?.question == "Is the gate open?")
    }

    @Test func withoutAModelOrAFrameOrTheOperatorTheAnswerIsAClearError() async throws {
        let noModel = try await TestHub()
        noModel.publish()
        try await noModel.application().test(.router) { client in
            try await client.execute(uri: "/cameras/testpattern/ask", method: .post, headers: Self.admin, body: Self.question) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorBody?["code"] as? String == "no_vision_model")
            }
            try await client.execute(uri: "/cameras/testpattern/ask", method: .post, headers: [.contentType: "application/json"], body: Self.question) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/cameras/nope/ask", method: .post, headers: Self.admin, body: Self.question) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/cameras/testpattern/ask", method: .post, headers: Self.admin, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
        let noFrame = try await TestHub(vision: AnalysisRouteTests.EchoModel())
        try await noFrame.application().test(.router) { client in
            try await client.execute(uri: "/cameras/testpattern/ask", method: .post, headers: Self.admin, body: Self.question) { response in
                #expect(response.status == .conflict)
                #expect(response.errorBody?["code"] as? String == "no_frame")
            }
        }
    }
}
