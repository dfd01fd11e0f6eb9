import CamHubCore
import NIOCore
import NIOHTTP1
import Synchronization

/// Writes a camera's MJPEG parts to every stream connection that lives on one event loop.
///
/// Why this exists: writing from one Swift task per viewer costs a task wake-up and an executor
/// hop per frame per viewer, which at 100 viewers dominated the server's CPU and latency. Here a
/// published frame costs one `execute` per event loop, and each viewer's write is a single buffer
/// handed to the socket on the loop that owns it (the ustreamer design). The write enters the
/// pipeline just below the HTTP encoder with the chunk framing already in the buffer, so no HTTP
/// handler runs per frame per viewer.
///
/// Backpressure: a connection has at most one part in flight. When its write completes it gets the
/// newest frame if that is newer than the one it had; a connection whose socket stopped draining
/// keeps its single pending part and skips everything else, so it never slows the camera, other
/// viewers, or grows memory. Parts are shared buffers: the JPEG is never copied per viewer.
/// A connection whose part has been in flight for `stallLimit` has stopped reading: it is closed
/// at the next frame, so a viewer that went away without closing does not hold a socket forever.
final class MJPEGFanOut: FrameSink {
    let feed: CameraFeed
    let eventLoop: any EventLoop
    /// The size viewers asked for; nil for the camera's own frames.
    let size: FrameSize?
    let stallLimit: TimeAmount
    private let state = Mutex(State())

    private struct Connection {
        let channel: any Channel
        /// The HTTP encoder's context: writing through it skips the encoder and goes to the socket.
        let wire: NIOLoopBound<ChannelHandlerContext>
        var progress = ViewerProgress()
        var writing = false
        /// When the part in flight was handed to the socket.
        var writeStartedAt = NIODeadline.now()
        /// The closing chunk has been queued: nothing more is written.
        var ended = false
    }

    private struct State {
        var connections: [Int: Connection] = [:]
        var nextID = 0
        var retiredDelivered: UInt64 = 0
        var retiredSkipped: UInt64 = 0
    }

    init(feed: CameraFeed, eventLoop: any EventLoop, size: FrameSize?, stallLimit: TimeAmount) {
        self.feed = feed
        self.eventLoop = eventLoop
        self.size = size
        self.stallLimit = stallLimit
    }

    /// Adds a connection whose response head Hummingbird has already handed to this loop.
    ///
    /// The connection joins the table on the loop, behind that head: a broadcast must never write
    /// a part to a connection before its head. It then gets the newest frame at once.
    func add(_ channel: any Channel) -> Int {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        eventLoop.execute {
            guard let encoder = try? channel.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
                channel.close(promise: nil)
                return
            }
            let wire = NIOLoopBound(encoder, eventLoop: self.eventLoop)
            self.state.withLock { $0.connections[id] = Connection(channel: channel, wire: wire) }
            if let newest = self.feed.newest { self.offer(newest, to: id) }
            if self.feed.isClosed { self.end(id) }
        }
        return id
    }

    /// Removes a connection, on the loop so it is ordered after its `add`.
    func remove(_ id: Int) {
        eventLoop.execute {
            let newest = self.feed.newest?.sequence
            self.state.withLock { state in
                guard let connection = state.connections.removeValue(forKey: id) else { return }
                state.retiredDelivered += connection.progress.delivered
                state.retiredSkipped += connection.progress.skipped(newestSequence: newest)
            }
        }
    }

    // MARK: FrameSink

    func frameDidArrive(_ frame: Frame) {
        eventLoop.execute { self.broadcast(frame) }
    }

    func feedDidClose() {
        eventLoop.execute {
            for id in self.state.withLock({ Array($0.connections.keys) }) { self.end(id) }
        }
    }

    func sinkStatistics(newestSequence: UInt64?) -> SinkStatistics {
        state.withLock { state in
            SinkStatistics(
                viewers: state.connections.keys.sorted().map { id in
                    state.connections[id]!.progress.statistics(id: -id, newestSequence: newestSequence)
                },
                retiredDelivered: state.retiredDelivered,
                retiredSkipped: state.retiredSkipped
            )
        }
    }

    // MARK: On the event loop

    private func broadcast(_ frame: Frame) {
        guard let chunk = MJPEGPart.chunk(frame, size: size) else { return }
        let now = NIODeadline.now()
        var stalled: [any Channel] = []
        let ready = state.withLock { state in
            state.connections.compactMap { id, connection -> (Int, NIOLoopBound<ChannelHandlerContext>)? in
                if connection.writing, now - connection.writeStartedAt > stallLimit { stalled.append(connection.channel) }
                guard !connection.writing, !connection.ended, connection.progress.wants(frame.sequence) else { return nil }
                state.connections[id]!.writing = true
                state.connections[id]!.writeStartedAt = now
                state.connections[id]!.progress.deliver(frame.sequence)
                return (id, connection.wire)
            }
        }
        for (id, wire) in ready {
            write(chunk, id: id, to: wire)
        }
        for channel in stalled { channel.close(promise: nil) }
    }

    private func offer(_ frame: Frame, to id: Int) {
        let wire = state.withLock { state -> NIOLoopBound<ChannelHandlerContext>? in
            guard let connection = state.connections[id], !connection.writing, !connection.ended, connection.progress.wants(frame.sequence) else {
                return nil
            }
            state.connections[id]!.writing = true
            state.connections[id]!.writeStartedAt = .now()
            state.connections[id]!.progress.deliver(frame.sequence)
            return connection.wire
        }
        if let wire, let chunk = MJPEGPart.chunk(frame, size: size) {
            write(chunk, id: id, to: wire)
        }
    }

    private func write(_ chunk: ByteBuffer, id: Int, to wire: NIOLoopBound<ChannelHandlerContext>) {
        let promise = eventLoop.makePromise(of: Void.self)
        wire.value.writeAndFlush(NIOAny(chunk), promise: promise)
        promise.futureResult.whenComplete { result in
            let stillOpen = self.state.withLock { state -> Bool in
                state.connections[id]?.writing = false
                return state.connections[id] != nil
            }
            guard stillOpen else { return }
            switch result {
            case .success:
                // Catch up with whatever arrived while this part was in flight: newest only.
                if let newest = self.feed.newest { self.offer(newest, to: id) }
            case .failure:
                wire.value.close(promise: nil)
            }
        }
    }

    /// Ends a connection's response cleanly (at shutdown): the closing chunk after the part in
    /// flight, so a reader sees a complete stream, then the connection closes.
    func finish(_ id: Int) {
        eventLoop.execute { self.end(id) }
    }

    /// Ends a connection's response after whatever part it is being sent, then closes it.
    private func end(_ id: Int) {
        let connection = state.withLock { state -> Connection? in
            guard let connection = state.connections[id], !connection.ended else { return nil }
            state.connections[id]!.ended = true
            return connection
        }
        guard let connection else { return }
        let promise = eventLoop.makePromise(of: Void.self)
        connection.wire.value.writeAndFlush(NIOAny(MJPEGPart.lastChunk), promise: promise)
        promise.futureResult.whenComplete { _ in connection.channel.close(promise: nil) }
    }
}
