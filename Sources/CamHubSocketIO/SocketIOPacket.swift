/// One Socket.IO v5 packet, carried in an Engine.IO `message`:
///
///     <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
///
/// The payload stays JSON text here; the event layer parses it. Binary packets (types 5 and 6)
/// are recognised so they can be refused with a clear reason.
public struct SocketIOPacket: Sendable, Equatable {
    public enum Kind: Int, Sendable, Equatable {
        case connect = 0
        case disconnect = 1
        case event = 2
        case ack = 3
        case connectError = 4
        case binaryEvent = 5
        case binaryAck = 6
    }

    public var kind: Kind
    public var namespace: String
    public var ackID: Int?
    /// The JSON text after the header, or nil when there is none.
    public var payload: String?

    public init(_ kind: Kind, namespace: String = "/", ackID: Int? = nil, payload: String? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.ackID = ackID
        self.payload = payload
    }

    public enum DecodingError: Error, Sendable, Equatable {
        case empty
        case unknownType
        case badAttachmentCount
        case badAckID
        case binaryNotSupported
    }

    public init(decoding text: String) throws(DecodingError) {
        var rest = Substring(text)
        guard let first = rest.first else { throw .empty }
        guard let digit = first.wholeNumberValue, let kind = Kind(rawValue: digit) else { throw .unknownType }
        rest = rest.dropFirst()
        if kind == .binaryEvent || kind == .binaryAck {
            // `<count>-` precedes the rest; the attachments would follow as binary messages.
            guard let dash = rest.firstIndex(of: "-"), rest[..<dash].allSatisfy(\.isASCIIDigit), dash > rest.startIndex else {
                throw .badAttachmentCount
            }
            throw .binaryNotSupported
        }
        var namespace = "/"
        if rest.first == "/" {
            let end = rest.firstIndex(of: ",") ?? rest.endIndex
            namespace = String(rest[..<end])
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
        }
        var ackID: Int?
        let digits = rest.prefix { $0.isASCIIDigit }
        if !digits.isEmpty {
            guard digits.count <= 15, let id = Int(digits) else { throw .badAckID }
            ackID = id
            rest = rest.dropFirst(digits.count)
        }
        self.init(kind, namespace: namespace, ackID: ackID, payload: rest.isEmpty ? nil : String(rest))
    }

    public var encoded: String {
        var text = String(kind.rawValue)
        if namespace != "/" { text += namespace + "," }
        if let ackID { text += String(ackID) }
        if let payload { text += payload }
        return text
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
