/// One Engine.IO v4 packet: a one-digit type, then its data. camhub speaks the text form only;
/// a binary packet (`b` + base64 in a polling payload, or a binary WebSocket message) is refused.
public struct EngineIOPacket: Sendable, Equatable {
    public enum Kind: Character, Sendable, Equatable {
        case open = "0"
        case close = "1"
        case ping = "2"
        case pong = "3"
        case message = "4"
        case upgrade = "5"
        case noop = "6"
    }

    public var kind: Kind
    public var data: String

    public init(_ kind: Kind, _ data: String = "") {
        self.kind = kind
        self.data = data
    }

    public enum DecodingError: Error, Sendable, Equatable {
        case empty
        case unknownType(Character)
        case binaryNotSupported
    }

    /// Parses one packet, such as `4hello` or `2probe`.
    public init(decoding text: Substring) throws(DecodingError) {
        guard let first = text.first else { throw .empty }
        if first == "b" { throw .binaryNotSupported }
        guard let kind = Kind(rawValue: first) else { throw .unknownType(first) }
        self.init(kind, String(text.dropFirst()))
    }

    public var encoded: String { String(kind.rawValue) + data }
}

/// A polling body: packets joined by the record separator (0x1E), as Engine.IO v4 sends them.
public enum EngineIOPayload {
    public static let separator: Character = "\u{1E}"

    public static func encode(_ packets: [String]) -> String {
        packets.joined(separator: String(separator))
    }

    public static func decode(_ body: String) throws(EngineIOPacket.DecodingError) -> [EngineIOPacket] {
        var packets: [EngineIOPacket] = []
        for piece in body.split(separator: separator, omittingEmptySubsequences: false) {
            packets.append(try EngineIOPacket(decoding: piece))
        }
        return packets
    }
}
