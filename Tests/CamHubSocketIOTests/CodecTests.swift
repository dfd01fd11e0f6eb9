@testable import CamHubSocketIO
import Testing

/// Examples from the Engine.IO v4 and Socket.IO v5 protocol documents, byte by byte.
@Suite("Engine.IO and Socket.IO codecs")
struct CodecTests {
    @Test func engineIOPackets() throws {
        #expect(try EngineIOPacket(decoding: "4hello") == EngineIOPacket(.message, "hello"))
        #expect(try EngineIOPacket(decoding: "2probe") == EngineIOPacket(.ping, "probe"))
        #expect(try EngineIOPacket(decoding: "3") == EngineIOPacket(.pong))
        #expect(try EngineIOPacket(decoding: "6") == EngineIOPacket(.noop))
        #expect(EngineIOPacket(.pong, "probe").encoded == "3probe")
        #expect(throws: EngineIOPacket.DecodingError.empty) { try EngineIOPacket(decoding: "") }
        #expect(throws: EngineIOPacket.DecodingError.unknownType("9")) { try EngineIOPacket(decoding: "9x") }
        #expect(throws: EngineIOPacket.DecodingError.binaryNotSupported) { try EngineIOPacket(decoding: "bAQID") }
    }

    @Test func pollingPayloadsUseTheRecordSeparator() throws {
        #expect(EngineIOPayload.encode(["4hello", "4€€€"]) == "4hello\u{1E}4€€€")
        #expect(try EngineIOPayload.decode("4hello\u{1E}4€€€\u{1E}2") == [EngineIOPacket(.message, "hello"), EngineIOPacket(.message, "€€€"), EngineIOPacket(.ping)])
        #expect(throws: EngineIOPacket.DecodingError.empty) { try EngineIOPayload.decode("4a\u{1E}\u{1E}4b") }
    }

    @Test func socketIOPacketsFromTheSpecification() throws {
        #expect(try SocketIOPacket(decoding: "0") == SocketIOPacket(.connect))
        #expect(try SocketIOPacket(decoding: #"0{"token":"123"}"#) == SocketIOPacket(.connect, payload: #"{"token":"123"}"#))
        #expect(try SocketIOPacket(decoding: "0/admin,") == SocketIOPacket(.connect, namespace: "/admin"))
        #expect(try SocketIOPacket(decoding: #"2["foo"]"#) == SocketIOPacket(.event, payload: #"["foo"]"#))
        #expect(try SocketIOPacket(decoding: #"2/admin,["bar"]"#) == SocketIOPacket(.event, namespace: "/admin", payload: #"["bar"]"#))
        #expect(try SocketIOPacket(decoding: #"212["foo"]"#) == SocketIOPacket(.event, ackID: 12, payload: #"["foo"]"#))
        #expect(try SocketIOPacket(decoding: #"3/admin,13["bar"]"#) == SocketIOPacket(.ack, namespace: "/admin", ackID: 13, payload: #"["bar"]"#))
        #expect(try SocketIOPacket(decoding: "1/admin,") == SocketIOPacket(.disconnect, namespace: "/admin"))
        #expect(SocketIOPacket(.connect, payload: #"{"sid":"abc"}"#).encoded == #"0{"sid":"abc"}"#)
        #expect(SocketIOPacket(.connectError, payload: #"{"message":"Not authorized"}"#).encoded == #"4{"message":"Not authorized"}"#)
        #expect(SocketIOPacket(.ack, ackID: 7, payload: "[1]").encoded == "37[1]")
        #expect(SocketIOPacket(.event, namespace: "/admin", ackID: 4, payload: #"["x"]"#).encoded == #"2/admin,4["x"]"#)
    }

    @Test func garbageIsRejected() {
        #expect(throws: SocketIOPacket.DecodingError.empty) { try SocketIOPacket(decoding: "") }
        #expect(throws: SocketIOPacket.DecodingError.unknownType) { try SocketIOPacket(decoding: "9") }
        #expect(throws: SocketIOPacket.DecodingError.unknownType) { try SocketIOPacket(decoding: "x") }
        #expect(throws: SocketIOPacket.DecodingError.badAckID) { try SocketIOPacket(decoding: "21234567890123456789[]") }
        #expect(throws: SocketIOPacket.DecodingError.binaryNotSupported) { try SocketIOPacket(decoding: #"51-["a",{"_placeholder":true,"num":0}]"#) }
        #expect(throws: SocketIOPacket.DecodingError.badAttachmentCount) { try SocketIOPacket(decoding: #"5["a"]"#) }
    }

    @Test func jsonStringsAreEscaped() {
        #expect(SocketIOServer.jsonString(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(SocketIOServer.jsonString("line\nnext\u{01}") == #""line\nnext\u0001""#)
        #expect(SocketIOServer.eventPacket("pong", #"{"success":true}"#) == #"42["pong",{"success":true}]"#)
    }
}
