import CamHubCore
import CamHubStorage
import Foundation
import Testing

@Suite("Analysis repository contract")
struct AnalysisRepositoryContractTests {
    @Test(arguments: Backend.available)
    func resultsReadBackNewestFirstPerCamera(backend: Backend) async throws {
        try await backend.withStores { stores in
            let frame = Date(timeIntervalSince1970: 1_700_000_000.5)
            let caption = AnalysisAnswer(text: "A red car at the gate", latency: 0.8, tokensPerSecond: 21.5, model: "vlm-1")
            let answer = AnalysisAnswer(text: "Yes, \"one\" person", latency: 1.25, tokensPerSecond: nil, model: "vlm-1")
            let first = try await stores.analyses.add(cameraID: "a", task: .caption, question: nil, answer: caption, frameTime: frame, at: frame)
            let second = try await stores.analyses.add(
                cameraID: "a", task: .vqa, question: "Anyone there?", answer: answer, frameTime: frame, at: frame.addingTimeInterval(1)
            )
            _ = try await stores.analyses.add(cameraID: "b", task: .caption, question: nil, answer: caption, frameTime: frame, at: frame)
            #expect(second.id > first.id)
            let results = try await stores.analyses.results(for: "a", limit: 10)
            #expect(results == [second, first])
            #expect(results.first?.question == "Anyone there?" && results.first?.answer.tokensPerSecond == nil)
            #expect(try await stores.analyses.results(for: "a", limit: 1) == [second])
            #expect(try await stores.analyses.results(for: "nobody", limit: 10).isEmpty)
            // Across cameras, by time and by id (the events timeline).
            #expect(try await stores.analyses.count(AnalysisQuery()) == 3)
            #expect(try await stores.analyses.results(AnalysisQuery(limit: 1, offset: 1)).map(\.cameraID) == ["a"])
            #expect(try await stores.analyses.results(AnalysisQuery(since: frame.addingTimeInterval(0.5))) == [second])
            #expect(try await stores.analyses.count(AnalysisQuery(cameraID: "a", until: frame)) == 1)
            #expect(try await stores.analyses.results(AnalysisQuery(id: first.id)) == [first])
        }
    }
}
