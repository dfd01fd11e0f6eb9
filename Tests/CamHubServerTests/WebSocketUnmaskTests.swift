@testable import CamHubServer
import NIOCore
import NIOWebSocket
import Testing

@Suite("WebSocket unmasking")
struct WebSocketUnmaskTests {
    @Test func wordWiseUnmaskingMatchesSwiftNIOForEveryLengthAndKey() {
        // Keys and bytes from their index, so a failure is the same on every run.
        for length in 0..<70 {
            let key = WebSocketMaskingKey((0..<4).map { UInt8(truncatingIfNeeded: length &* 37 &+ $0 &* 101 &+ 1) })!
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ length &* 13) }
            var reference = ByteBuffer(bytes: bytes)
            reference.webSocketUnmask(key)
            var fast = ByteBuffer(bytes: bytes)
            fast.unmaskWebSocketPayload(key)
            #expect(fast == reference, "length \(length), key \(key)")
            #expect(length == 0 || fast != ByteBuffer(bytes: bytes) || key == WebSocketMaskingKey([0, 0, 0, 0])!)
        }
        // A buffer read from the middle of a larger one keeps its phase at its own first byte.
        var shared = ByteBuffer(bytes: Array(0..<40))
        shared.moveReaderIndex(forwardBy: 3)
        var reference = shared
        let key = WebSocketMaskingKey([1, 2, 3, 4])!
        reference.webSocketUnmask(key)
        shared.unmaskWebSocketPayload(key)
        #expect(shared == reference)
    }
}
