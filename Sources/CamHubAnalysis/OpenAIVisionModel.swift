public import AsyncHTTPClient
public import CamHubCore
import Foundation
import NIOCore
import NIOHTTP1

/// A vision-language model behind an OpenAI-compatible `POST {url}/chat/completions`, as the
/// llama.cpp server, Ollama and vLLM all offer. The frame goes as a `data:image/jpeg;base64,` URL
/// beside the question (or a caption prompt).
public struct OpenAIVisionModel: VisionModel {
    public struct Settings: Sendable, Equatable {
        /// Base URL, such as `http://127.0.0.1:8081/v1`.
        public var url: String
        public var model: String
        public var apiKey: String?
        public var timeout: Duration
        public var captionPrompt: String
        public var maxTokens: Int

        public init(url: String, model: String, apiKey: String? = nil, timeout: Duration = .seconds(30),
                    captionPrompt: String = "Describe this image in one sentence.", maxTokens: Int = 256) {
            self.url = url
            self.model = model
            self.apiKey = apiKey
            self.timeout = timeout
            self.captionPrompt = captionPrompt
            self.maxTokens = maxTokens
        }
    }

    public let settings: Settings
    private let client: HTTPClient

    public init(settings: Settings, client: HTTPClient = .shared) {
        self.settings = settings
        self.client = client
    }

    public func analyze(jpeg: [UInt8], task: AnalysisTask, question: String?) async throws -> AnalysisAnswer {
        let prompt = task == .vqa ? (question ?? "What is in this image?") : settings.captionPrompt
        var request = HTTPClientRequest(url: settings.url.trimmingSuffix("/") + "/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key = settings.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(ByteBuffer(bytes: try ChatRequest.body(model: settings.model, prompt: prompt, jpeg: jpeg, maxTokens: settings.maxTokens)))

        let started = ContinuousClock.now
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .init(settings.timeout))
            body = try await response.body.collect(upTo: 4 * 1024 * 1024)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw VisionModelError(.timedOut, "the vision model did not answer within \(settings.timeout)")
        } catch {
            throw VisionModelError(.unreachable, "the vision model at \(settings.url) could not be reached")
        }
        let latency = (ContinuousClock.now - started).inSeconds
        guard (200..<300).contains(response.status.code) else {
            throw VisionModelError(.failed, "the vision model answered HTTP \(response.status.code)")
        }
        guard let reply = try? JSONDecoder().decode(ChatReply.self, from: Data(body.readableBytesView)),
            let text = reply.choices.first?.message.content, !text.isEmpty
        else {
            throw VisionModelError(.failed, "the vision model's answer had no text")
        }
        let tokens = reply.usage?.completionTokens
        return AnalysisAnswer(
            text: text.trimmingCharacters(in: .whitespacesAndNewlines),
            latency: (latency * 1000).rounded() / 1000,
            tokensPerSecond: tokens.flatMap { latency > 0 ? (Double($0) / latency * 10).rounded() / 10 : nil },
            model: reply.model ?? settings.model
        )
    }
}

/// Why an analysis failed, so the HTTP layer can answer 502 or 504.
public struct VisionModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case timedOut
        case unreachable
        case failed
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The chat-completions request: one user message holding the prompt and the image.
enum ChatRequest {
    static func body(model: String, prompt: String, jpeg: [UInt8], maxTokens: Int) throws -> Data {
        let image = "data:image/jpeg;base64," + Data(jpeg).base64EncodedString()
        let payload: [String: Any] = [
            "model": model,
            "max_tokens": maxTokens,
            "messages": [[
                "role": "user",
                "content": [
                    ["type": "text", "text": prompt],
                    ["type": "image_url", "image_url": ["url": image]],
                ],
            ]],
        ]
        return try JSONSerialization.data(withJSONObject: payload)
    }
}

/// The parts of a chat-completions answer the hub reads.
struct ChatReply: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable {
            let content: String?
        }
        let message: Message
    }

    struct Usage: Decodable {
        let completionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case completionTokens = "completion_tokens"
        }
    }

    let model: String?
    let choices: [Choice]
    let usage: Usage?
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
