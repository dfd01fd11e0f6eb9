import CamHubCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Writes a camera's MJPEG parts to every stream connection that lives on one event loop.
///
/// Why this exists: writing from one Swift task per viewer costs a task wake-up and an executor
/// hop per frame per viewer, which at 100 viewers dominated the server's CPU and latency. Here a
/// published frame costs one `execute` per event loop, and each viewer's write is a plain channel
/// write on the loop that owns it (the ustreamer design).
///
/// Backpressure: a connection has at most one part in flight. When its write completes it gets the
/// newest frame if that is newer than the one it had; a connection whose socket stopped draining
/// keeps its single pending part and skips everything else, so it never slows the camera, other
/// viewers, or grows memory. Parts are shared buffers: the JPEG is never copied per viewer.
final class MJPEGFanOut: FrameSink {
    let feed: CameraFeed
    let eventLoop: any EventLoop
    private let state = Mutex(State())

    private struct Connection {
        let channel: any Channel
        var progress = ViewerProgress()
        var writing = false
    }

    private struct State {
        var connections: [Int: Connection] = [:]
        var nextID = 0
        var retiredDelivered: UInt64 = 0
        var retiredSkipped: UInt64 = 0
    }

    init(feed: CameraFeed, eventLoop: any EventLoop) {
        self.feed = feed
        self.eventLoop = eventLoop
    }

    var isEmpty: Bool { state.withLock { $0.connections.isEmpty } }

    /// Adds a connection whose response head has been written; it gets the newest frame at once.
    func add(_ channel: any Channel) -> Int {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            state.connections[state.nextID] = Connection(channel: channel)
            return state.nextID
        }
        // Queued behind the response head, which Hummingbird has already handed to this loop.
        eventLoop.execute {
            if let newest = self.feed.newest { self.offer(newest, to: id) }
            if self.feed.isClosed { self.end(id) }
        }
        return id
    }

    func remove(_ id: Int) {
        let newest = feed.newest?.sequence
        state.withLock { state in
            guard let connection = state.connections.removeValue(forKey: id) else { return }
            state.retiredDelivered += connection.progress.delivered
            state.retiredSkipped += connection.progress.skipped(newestSequence: newest)
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
        let part = MJPEGPart.of(frame)
        let ready = state.withLock { state in
            state.connections.compactMap { id, connection -> (Int, any Channel)? in
                guard !connection.writing, connection.progress.wants(frame.sequence) else { return nil }
                state.connections[id]!.writing = true
                state.connections[id]!.progress.deliver(frame.sequence)
                return (id, connection.channel)
            }
        }
        for (id, channel) in ready {
            write(part, id: id, to: channel)
        }
    }

    private func offer(_ frame: Frame, to id: Int) {
        let channel = state.withLock { state -> (any Channel)? in
            guard let connection = state.connections[id], !connection.writing, connection.progress.wants(frame.sequence) else {
                return nil
            }
            state.connections[id]!.writing = true
            state.connections[id]!.progress.deliver(frame.sequence)
            return connection.channel
        }
        if let channel {
            write(MJPEGPart.of(frame), id: id, to: channel)
        }
    }

    /// Ends a connection's response after whatever part it is being sent, then closes it.
    private func end(_ id: Int) {
        guard let channel = state.withLock({ $0.connections[id]?.channel }) else { return }
        channel.writeAndFlush(HTTPResponsePart.end(nil)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func write(_ part: ByteBuffer, id: Int, to channel: any Channel) {
        channel.writeAndFlush(HTTPResponsePart.body(part)).whenComplete { result in
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
                channel.close(promise: nil)
            }
        }
    }
}
