import NIOCore
import NIOWebSocket

/// Unmasks client WebSocket frames eight bytes at a time, before the WebSocket handler sees them.
///
/// Every frame a client sends is masked (RFC 6455 §5.3). SwiftNIO's `unmaskedData` XORs one byte
/// per loop step with a modulo, which took 58% of the hub's CPU when cameras pushed 50 KB JPEGs
/// (`perf record` on `bench/ingest.py`). This handler sits right after the frame decoder, unmasks
/// the payload word by word and clears the mask key, so `unmaskedData` then returns the payload
/// as it is. Frames that passed before it was added keep their key and are unmasked the slow way,
/// so the result is the same either way.
final class WebSocketUnmasker: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        // Extension data shifts the mask's phase; no extension is negotiated here, so such frames
        // are simply left to SwiftNIO.
        if let key = frame.maskKey, frame.extensionData == nil {
            var payload = frame.data
            payload.unmaskWebSocketPayload(key)
            frame.data = payload
            frame.maskKey = nil
        }
        context.fireChannelRead(wrapInboundOut(frame))
    }
}

extension ByteBuffer {
    /// XORs the readable bytes with the 4-byte WebSocket masking key, eight bytes per step.
    mutating func unmaskWebSocketPayload(_ key: WebSocketMaskingKey) {
        let pattern: [UInt8] = [key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3]]
        let word = pattern.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        withUnsafeMutableReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            let count = bytes.count
            var offset = 0
            while offset + 8 <= count {
                let value = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                base.storeBytes(of: value ^ word, toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            while offset < count {
                bytes[offset] ^= pattern[offset & 3]
                offset += 1
            }
        }
    }
}
