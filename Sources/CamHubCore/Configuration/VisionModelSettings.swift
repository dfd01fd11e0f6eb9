import Foundation

/// The vision-language model for `caption` and `vqa`: any OpenAI-compatible chat-completions server
/// (llama.cpp, Ollama, vLLM). With no `url` the hub answers such requests with a clear 503.
public struct VisionModelSettings: Sendable, Equatable {
    /// Base URL, such as `http://127.0.0.1:8081/v1`; `{url}/chat/completions` is called.
    public var url: String? = nil
    public var model: String? = nil
    public var apiKey: String? = nil
    public var timeoutSeconds = 30
    /// Analyses running at once; more wait, newest frame per camera first.
    public var maxConcurrency = 2
    public var captionPrompt = "Describe this image in one sentence."

    public init() {}
}

extension VisionModelSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, model
        case apiKey = "api_key"
        case timeoutSeconds = "timeout_seconds"
        case maxConcurrency = "max_concurrency"
        case captionPrompt = "caption_prompt"
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        url = try c.value(.url, default: url)
        model = try c.value(.model, default: model)
        apiKey = try c.value(.apiKey, default: apiKey)
        timeoutSeconds = try c.value(.timeoutSeconds, default: timeoutSeconds)
        maxConcurrency = try c.value(.maxConcurrency, default: maxConcurrency)
        captionPrompt = try c.value(.captionPrompt, default: captionPrompt)
    }

    /// Written out so unset values appear as `null` in the first-run file rather than missing.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
        try c.encode(model, forKey: .model)
        try c.encode(apiKey, forKey: .apiKey)
        try c.encode(timeoutSeconds, forKey: .timeoutSeconds)
        try c.encode(maxConcurrency, forKey: .maxConcurrency)
        try c.encode(captionPrompt, forKey: .captionPrompt)
    }
}
