@testable import CamHubAnalysis
import CamHubCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The client against a loopback stand-in for an OpenAI-compatible server, which checks the
/// request's shape the way llama.cpp's server or vLLM would read it.
@Suite("OpenAI-compatible vision model client")
struct OpenAIVisionModelTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0x01, 0x02, 0x03, 0xFF, 0xD9]

    /// What the stand-in saw in the last request.
    final class Seen: Sendable {
        let request = Mutex<[String: Any]?>(nil)
        let authorization = Mutex<String?>(nil)
        var prompt: String? {
            request.withLock { request in
                let messages = request?["messages"] as? [[String: Any]]
                let content = messages?.first?["content"] as? [[String: Any]]
                return content?.first { $0["type"] as? String == "text" }?["text"] as? String
            }
        }
        var imageURL: String? {
            request.withLock { request in
                let messages = request?["messages"] as? [[String: Any]]
                let content = messages?.first?["content"] as? [[String: Any]]
                return (content?.first { $0["type"] as? String == "image_url" }?["image_url"] as? [String: Any])?["url"] as? String
            }
        }
    }

    /// Runs `body` against a stand-in that answers `status` with `reply` after `delay`.
    static func withStandIn(
        status: HTTPResponse.Status = .ok, delay: Duration = .zero,
        reply: String = #"{"model": "llava-test", "choices": [{"message": {"role": "assistant", "content": " A person walking in the hallway. "}}], "usage": {"prompt_tokens": 600, "completion_tokens": 8}}"#,
        _ body: @escaping @Sendable (_ url: String, _ seen: Seen) async throws -> Void
    ) async throws {
        let seen = Seen()
        let router = Router()
        router.post("v1/chat/completions") { request, context -> Response in
            let data = try await request.body.collect(upTo: 1 << 20)
            seen.request.withLock { $0 = try? JSONSerialization.jsonObject(with: Data(buffer: data)) as? [String: Any] }
            seen.authorization.withLock { $0 = request.headers[.authorization] }
            try await Task.sleep(for: delay)
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: reply)))
        }
        try await Application(router: router).test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/v1", seen)
        }
    }

    @Test func captionsSendThePromptAndTheImageAndReadTheUsage() async throws {
        try await Self.withStandIn { url, seen in
            let model = OpenAIVisionModel(settings: .init(url: url, model: "llava", apiKey: "sk-test", captionPrompt: "Caption it."))
            let answer = try await model.analyze(jpeg: Self.jpeg, task: .caption, question: "ignored for captions")
            #expect(answer.text == "A person walking in the hallway.")
            #expect(answer.model == "llava-test")
            #expect(answer.latency >= 0)
            #expect(answer.tokensPerSecond.map { $0 > 0 } == true)
            #expect(seen.prompt == "Caption it.")
            #expect(seen.imageURL == "data:image/jpeg;base64," + Data(Self.jpeg).base64EncodedString())
            #expect(seen.request.withLock { $0?["model"] as? String } == "llava")
            #expect(seen.authorization.withLock { $0 } == "Bearer sk-test")
        }
    }

    @Test func questionsGoAsTheText() async throws {
        try await Self.withStandIn { url, seen in
            let model = OpenAIVisionModel(settings: .init(url: url + "/", model: "llava"))
            _ = try await model.analyze(jpeg: Self.jpeg, task: .vqa, question: "Is there a person?")
            #expect(seen.prompt == "Is there a person?")
            #expect(seen.authorization.withLock { $0 } == nil)
        }
    }

    @Test func aFailingModelIsReportedNotInvented() async throws {
        try await Self.withStandIn(status: .internalServerError, reply: #"{"error": "out of memory"}"#) { url, _ in
            let model = OpenAIVisionModel(settings: .init(url: url, model: "llava"))
            await #expect(throws: VisionModelError(.failed, "the vision model answered HTTP 500")) {
                try await model.analyze(jpeg: Self.jpeg, task: .caption, question: nil)
            }
        }
        try await Self.withStandIn(reply: #"{"choices": []}"#) { url, _ in
            let model = OpenAIVisionModel(settings: .init(url: url, model: "llava"))
            await #expect(throws: VisionModelError.self) { try await model.analyze(jpeg: Self.jpeg, task: .caption, question: nil) }
        }
    }

    @Test func aSlowModelTimesOut() async throws {
        try await Self.withStandIn(delay: .seconds(3)) { url, _ in
            let model = OpenAIVisionModel(settings: .init(url: url, model: "llava", timeout: .milliseconds(500)))
            do {
                _ = try await model.analyze(jpeg: Self.jpeg, task: .caption, question: nil)
                Issue.record("expected a timeout")
            } catch let error as VisionModelError {
                #expect(error.kind == .timedOut)
            }
        }
    }

    @Test func anUnreachableModelSaysSo() async throws {
        let model = OpenAIVisionModel(settings: .init(url: "http://127.0.0.1:1/v1", model: "llava", timeout: .seconds(2)))
        do {
            _ = try await model.analyze(jpeg: Self.jpeg, task: .caption, question: nil)
            Issue.record("expected an error")
        } catch let error as VisionModelError {
            #expect(error.kind == .unreachable)
        }
    }
}

@Suite("Analysis scheduler")
struct AnalysisSchedulerTests {
    /// A model that holds each call until released, counting how many run at once.
    final class GatedModel: VisionModel {
        let state = Mutex((running: 0, peak: 0, released: false))

        func analyze(jpeg: [UInt8], task: AnalysisTask, question: String?) async throws -> AnalysisAnswer {
            state.withLock { $0.running += 1; $0.peak = max($0.peak, $0.running) }
            while !state.withLock({ $0.released }) { try await Task.sleep(for: .milliseconds(2)) }
            state.withLock { $0.running -= 1 }
            return AnalysisAnswer(text: "frame \(jpeg[0])", latency: 0, tokensPerSecond: nil, model: "gated")
        }
    }

    @Test func runsAtMostTheLimitAndTheNewestWaitingFrameWins() async throws {
        let model = GatedModel()
        let scheduler = AnalysisScheduler(model: model, maxConcurrent: 1)
        let busy = Task { try await scheduler.analyze(camera: "a", jpeg: [1], task: .caption, question: nil) }
        while model.state.withLock({ $0.running }) == 0 { try await Task.sleep(for: .milliseconds(2)) }
        let older = Task { try await scheduler.analyze(camera: "b", jpeg: [2], task: .caption, question: nil) }
        try await Task.sleep(for: .milliseconds(50))
        let newer = Task { try await scheduler.analyze(camera: "b", jpeg: [3], task: .caption, question: nil) }
        await #expect(throws: AnalysisSuperseded(cameraID: "b")) { try await older.value }
        model.state.withLock { $0.released = true }
        #expect(try await busy.value.text == "frame 1")
        #expect(try await newer.value.text == "frame 3")
        #expect(model.state.withLock { $0.peak } == 1)
    }
}
