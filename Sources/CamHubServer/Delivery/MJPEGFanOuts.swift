import CamHubCore
import NIOCore
import Synchronization

/// The MJPEG fan-outs in use: one per camera per event loop, created with its first connection and
/// dropped with its last, so a camera nobody streams costs nothing here.
final class MJPEGFanOuts: Sendable {
    private struct Key: Hashable {
        let cameraID: CameraID
        let eventLoop: ObjectIdentifier
        let size: FrameSize?
    }

    private struct Entry {
        let fanOut: MJPEGFanOut
        var connections: Int
    }

    private let fanOuts = Mutex<[Key: Entry]>([:])
    /// A viewer whose part has been in flight this long is dropped (`server.stalled_viewer_seconds`).
    let stallLimit: TimeAmount

    init(stallLimit: TimeAmount) {
        self.stallLimit = stallLimit
    }

    /// Registers a stream connection; pair with `leave`. Each connection counts as a watcher of the
    /// feed, so an on-demand camera runs while it is streamed.
    func join(_ feed: CameraFeed, channel: any Channel, size: FrameSize?) -> (MJPEGFanOut, Int) {
        let key = Key(cameraID: feed.cameraID, eventLoop: ObjectIdentifier(channel.eventLoop), size: size)
        feed.retainDemand()
        return fanOuts.withLock { fanOuts in
            if fanOuts[key] == nil || fanOuts[key]!.fanOut.feed !== feed {
                let fanOut = MJPEGFanOut(feed: feed, eventLoop: channel.eventLoop, size: size, stallLimit: stallLimit)
                fanOuts[key] = Entry(fanOut: fanOut, connections: 0)
                feed.addSink(fanOut)
            }
            fanOuts[key]!.connections += 1
            let fanOut = fanOuts[key]!.fanOut
            return (fanOut, fanOut.add(channel))
        }
    }

    func leave(_ fanOut: MJPEGFanOut, id: Int) {
        fanOut.remove(id)
        fanOut.feed.releaseDemand()
        let key = Key(cameraID: fanOut.feed.cameraID, eventLoop: ObjectIdentifier(fanOut.eventLoop), size: fanOut.size)
        let emptied = fanOuts.withLock { fanOuts -> Bool in
            guard fanOuts[key]?.fanOut === fanOut else { return false }
            fanOuts[key]!.connections -= 1
            guard fanOuts[key]!.connections == 0 else { return false }
            fanOuts[key] = nil
            return true
        }
        if emptied { fanOut.feed.removeSink(fanOut) }
    }
}
