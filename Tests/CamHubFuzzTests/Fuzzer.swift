import Foundation
import Testing

/// A seeded random-mutation fuzzer: inputs are corpus files (Tests/Fuzz/corpus/<name>/, what real
/// clients send) mutated a few times each (bits flipped, bytes set to edge values, ranges
/// inserted, deleted, repeated or spliced from another file, lengths overwritten with extremes),
/// run for a time budget: `CAMHUB_FUZZ_SECONDS` per parser (2 in `make test`, 60 in `make fuzz`).
/// The seed is printed, so any failure is reproduced with `CAMHUB_FUZZ_SEED`. A crash is a crash of
/// the test process; a hang is an input that takes over `hangLimit`; both fail the run. Findings
/// become regression inputs in the corpus.
struct Fuzzer {
    static let hangLimit = Duration.seconds(2)
    static var corpusRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")
    }
    static var budget: Duration {
        .milliseconds(Int((Double(ProcessInfo.processInfo.environment["CAMHUB_FUZZ_SECONDS"] ?? "") ?? 2) * 1000))
    }
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["CAMHUB_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970 * 1000)
    }

    let name: String
    let corpus: [[UInt8]]
    var random: SplitMix

    init(_ name: String) throws {
        self.name = name
        let folder = Self.corpusRoot.appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).sorted { $0.path < $1.path }
        corpus = try files.map { Array(try Data(contentsOf: $0)) }
        random = SplitMix(seed: Self.seed)
        #expect(!corpus.isEmpty, "no corpus in \(folder.path)")
    }

    /// Runs `body` on the corpus itself, then on mutated inputs until the budget is spent; returns
    /// how many inputs ran. It yields now and then, so the tests running beside it on the shared
    /// threads are never starved (a timing test of another suite failed under a fuzzer that did not).
    @discardableResult
    mutating func run(_ body: ([UInt8], inout SplitMix) throws -> Void) async -> Int {
        let seed = random.state
        let started = ContinuousClock.now
        var count = 0
        var inputs = corpus.makeIterator()
        while ContinuousClock.now - started < Self.budget || count < corpus.count {
            let input = inputs.next() ?? mutate()
            let began = ContinuousClock.now
            try? body(input, &random)
            let took = ContinuousClock.now - began
            if took > Self.hangLimit {
                Issue.record("\(name): an input of \(input.count) bytes took \(took) (seed \(seed), input #\(count)): \(Data(input).base64EncodedString().prefix(200))")
            }
            count += 1
            if count % 32 == 0 { await Task.yield() }
        }
        print("fuzz \(name): \(count) inputs in \(ContinuousClock.now - started), seed \(seed)")
        return count
    }

    mutating func mutate() -> [UInt8] {
        var bytes = corpus[random.below(corpus.count)]
        for _ in 0...random.below(4) { apply(&bytes) }
        return bytes
    }

    static let edgeBytes: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0x0D, 0x0A, 0x2D, 0x3A, 0x22, 0x5B, 0x7B, 0x1E, 0xD8, 0xD9, 0xC0, 0xDA]
    static let edgeWords: [UInt32] = [0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x0100_0000, 65_536, 8 * 1024 * 1024 + 1]

    private mutating func apply(_ bytes: inout [UInt8]) {
        let position = bytes.isEmpty ? 0 : random.below(bytes.count)
        switch random.below(9) {
        case 0 where !bytes.isEmpty:
            bytes[position] ^= UInt8(1 << random.below(8))
        case 1 where !bytes.isEmpty:
            bytes[position] = Self.edgeBytes[random.below(Self.edgeBytes.count)]
        case 2:
            bytes.insert(contentsOf: (0..<1 + random.below(16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: position)
        case 3 where !bytes.isEmpty:
            bytes.removeSubrange(position..<min(bytes.count, position + 1 + random.below(64)))
        case 4 where !bytes.isEmpty:
            let end = min(bytes.count, position + 1 + random.below(256))
            bytes.insert(contentsOf: Array(bytes[position..<end]), at: end)
        case 5:
            bytes.removeSubrange(min(bytes.count, random.below(bytes.count + 1))...)
        case 6:
            let other = corpus[random.below(corpus.count)]
            guard !other.isEmpty else { return }
            let start = random.below(other.count)
            bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + random.below(512))], at: position)
        case 7 where bytes.count >= 4:
            let word = Self.edgeWords[random.below(Self.edgeWords.count)]
            let at = random.below(bytes.count - 3)
            for index in 0..<4 { bytes[at + index] = UInt8(truncatingIfNeeded: word >> (8 * index)) }
        default:
            // Text formats: a delimiter where it does not belong.
            let tokens: [[UInt8]] = [Array("\r\n\r\n".utf8), Array("--frame".utf8), Array("\"\"".utf8), Array("[{".utf8), Array("/,".utf8), [0x1E]]
            bytes.insert(contentsOf: tokens[random.below(tokens.count)], at: position)
        }
    }
}

/// SplitMix64: small, fast, and the same sequence for the same seed on every machine.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int {
        bound <= 1 ? 0 : Int(next() % UInt64(bound))
    }

    /// `bytes` cut into random chunks, as a network delivers them.
    mutating func chunks(_ bytes: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 1 + below(max(1, bytes.count / 2)))
            result.append(Array(bytes[start..<end]))
            start = end
        }
        return result
    }
}
