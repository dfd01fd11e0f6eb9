import NIOCore
import NIOWebSocket
import Synchronization

/// Keeps WebSocket peers honest without asking them to read: a peer that has sent nothing for
/// `period` (no message, no pong, no ping) is pinged, and closed once it has been silent for two
/// periods. Anything it sends counts.
///
/// swift-websocket's own auto-ping (turned off for camhub) waits for a pong to every ping, and a
/// client answers pings only while it reads. Seed 003's camera script (`StreamVideo.py`, on
/// websocket-client) only ever sends, so it was dropped after about a minute and its `send` then
/// raised an exception the script does not catch. Here its frames keep it alive; a dead peer
/// still goes within two or three periods, and a viewer that only reads answers the pings.
///
/// It sits right after the frame decoder, where every frame passes, control frames included.
/// The check runs on the connection's event loop (a NIO repeated task, no Swift task), twice
/// per period.
final class WebSocketLiveness: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    private let period: TimeAmount
    /// When the peer last sent a frame (uptime nanoseconds).
    private let lastHeard = Atomic<UInt64>(NIODeadline.now().uptimeNanoseconds)
    private let check = Mutex<RepeatedTask?>(nil)

    init(period: TimeAmount) {
        self.period = period
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastHeard.store(NIODeadline.now().uptimeNanoseconds, ordering: .relaxed)
        context.fireChannelRead(data)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let interval = TimeAmount.nanoseconds(max(period.nanoseconds / 2, 1))
        let task = channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            switch silence() {
            case ..<period.nanoseconds:
                break
            case ..<(2 * period.nanoseconds):
                let ping = WebSocketFrame(fin: true, opcode: .ping, data: channel.allocator.buffer(string: "camhub"))
                channel.writeAndFlush(ping, promise: nil)
            default:
                channel.close(promise: nil)
            }
        }
        check.withLock { $0 = task }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    /// Nanoseconds since the peer last sent a frame.
    private func silence() -> Int64 {
        Int64(NIODeadline.now().uptimeNanoseconds &- lastHeard.load(ordering: .relaxed))
    }

    private func stop() {
        check.withLock { task in
            task?.cancel()
            task = nil
        }
    }
}
