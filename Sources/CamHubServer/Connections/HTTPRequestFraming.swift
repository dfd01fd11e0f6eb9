/// Follows the framing of the HTTP/1 requests on one connection as their bytes arrive, without
/// keeping them: where a request head starts and ends, how long its request line and head are,
/// how many fields it has, and where its body ends (`Content-Length` or chunked). What the
/// connection guard needs to cut a head that is too large at once, and to time heads and bodies;
/// the HTTP decoder behind it still parses every request in full.
///
/// At most one line's first `keptLineBytes` bytes are kept, so a connection costs the same
/// however large a head it sends.
struct HTTPRequestFraming {
    struct Limits: Equatable {
        var requestLineBytes = 8 * 1024
        var headBytes = 32 * 1024
        var fields = 100
    }

    enum Refusal: Error, Equatable {
        /// 414: the request line is longer than `requestLineBytes`.
        case uriTooLong
        /// 431: the head is larger than `headBytes`, or has more than `fields` fields.
        case headTooLarge
        /// 400: a `Content-Length` or a chunk size that is not a number.
        case badFraming(String)
    }

    enum Event: Equatable {
        /// The first byte of a request head, at this offset in the bytes consumed.
        case headStarted(offset: Int)
        /// A whole head, with its request target; `body` tells whether a body follows.
        case headCompleted(target: String, body: Bool)
        case bodyCompleted
        /// A WebSocket upgrade was asked for: what follows is not HTTP/1 any more.
        case upgraded
    }

    enum Phase: Equatable {
        /// Between requests, before the first byte of the next head.
        case idle
        case head
        case body
        /// After an upgrade: bytes are no longer followed.
        case passthrough
    }

    private enum State: Equatable {
        case idle
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        /// The CRLF after a chunk's data.
        case chunkDataEnd
        case trailers
        case passthrough
    }

    static let keptLineBytes = 512

    let limits: Limits
    private var state = State.idle
    /// The current line's first `keptLineBytes` bytes, without CR or LF.
    private var line: [UInt8] = []
    private var lineLength = 0
    private var headLength = 0
    private var fieldCount = 0
    private var target: String?
    private var contentLength: Int?
    private var chunked = false
    private var upgrade = false

    init(limits: Limits = .init()) {
        self.limits = limits
        line.reserveCapacity(64)
    }

    var phase: Phase {
        switch state {
        case .idle: .idle
        case .head: .head
        case .passthrough: .passthrough
        case .fixedBody, .chunkSize, .chunkData, .chunkDataEnd, .trailers: .body
        }
    }

    /// Follows `bytes`, and says what happened in them, in order.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(Refusal) -> [Event] {
        var events: [Event] = []
        var index = 0
        while index < bytes.count {
            switch state {
            case .passthrough:
                return events
            case .fixedBody(let remaining):
                let taken = min(remaining, bytes.count - index)
                index += taken
                if taken == remaining {
                    state = .idle
                    events.append(.bodyCompleted)
                } else {
                    state = .fixedBody(remaining: remaining - taken)
                }
            case .chunkData(let remaining):
                let taken = min(remaining, bytes.count - index)
                index += taken
                state = taken == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - taken)
            case .idle:
                let byte = bytes[index]
                // Blank lines before a request line are allowed (RFC 9112, 2.2).
                if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                    index += 1
                    continue
                }
                startHead()
                events.append(.headStarted(offset: index))
            case .head, .chunkSize, .chunkDataEnd, .trailers:
                let byte = bytes[index]
                index += 1
                if state == .head {
                    headLength += 1
                    if headLength > limits.headBytes { throw .headTooLarge }
                }
                if byte == UInt8(ascii: "\n") {
                    try endLine(&events)
                } else if byte != UInt8(ascii: "\r") {
                    lineLength += 1
                    if state == .head, target == nil, lineLength > limits.requestLineBytes { throw .uriTooLong }
                    if line.count < Self.keptLineBytes { line.append(byte) }
                }
            }
        }
        return events
    }

    private mutating func startHead() {
        state = .head
        headLength = 0
        fieldCount = 0
        target = nil
        contentLength = nil
        chunked = false
        upgrade = false
        line.removeAll(keepingCapacity: true)
        lineLength = 0
    }

    private mutating func endLine(_ events: inout [Event]) throws(Refusal) {
        defer {
            line.removeAll(keepingCapacity: true)
            lineLength = 0
        }
        switch state {
        case .head:
            if target == nil {
                target = Self.requestTarget(line)
            } else if lineLength == 0 {
                try endHead(&events)
            } else {
                fieldCount += 1
                if fieldCount > limits.fields { throw .headTooLarge }
                try field(line)
            }
        case .chunkSize:
            let size = try Self.chunkSize(line)
            state = size == 0 ? .trailers : .chunkData(remaining: size)
        case .chunkDataEnd:
            guard lineLength == 0 else { throw .badFraming("a chunk is longer than its size") }
            state = .chunkSize
        case .trailers:
            if lineLength == 0 {
                state = .idle
                events.append(.bodyCompleted)
            }
        default:
            break
        }
    }

    private mutating func endHead(_ events: inout [Event]) throws(Refusal) {
        let hasBody = chunked || (contentLength ?? 0) > 0
        events.append(.headCompleted(target: target ?? "", body: hasBody && !upgrade))
        if upgrade {
            state = .passthrough
            events.append(.upgraded)
        } else if chunked {
            state = .chunkSize
        } else if let contentLength, contentLength > 0 {
            state = .fixedBody(remaining: contentLength)
        } else {
            state = .idle
        }
    }

    /// Notes what framing a field changes; the decoder behind checks the rest.
    private mutating func field(_ line: [UInt8]) throws(Refusal) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
        switch name {
        case "content-length":
            guard let length = Int(value), length >= 0, contentLength == nil || contentLength == length else {
                throw .badFraming("Content-Length must be one non-negative number")
            }
            contentLength = length
        case "transfer-encoding":
            if value.lowercased().hasSuffix("chunked") { chunked = true }
        case "upgrade":
            // Only WebSocket is ever upgraded to; any other protocol stays HTTP/1.
            upgrade = value.lowercased().contains("websocket")
        default:
            break
        }
    }

    /// The second word of a request line, or the whole line when it has no space.
    private static func requestTarget(_ line: [UInt8]) -> String {
        let words = line.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: true)
        return words.count > 1 ? String(decoding: words[1], as: UTF8.self) : String(decoding: line, as: UTF8.self)
    }

    private static func chunkSize(_ line: [UInt8]) throws(Refusal) -> Int {
        let digits = line.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        guard !digits.isEmpty, digits.count <= 15, let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) else {
            throw .badFraming("a chunk size must be a hexadecimal number")
        }
        return size
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
