import CamHubCore
import NIOCore
import Synchronization

/// The MJPEG fan-outs in use: one per camera per event loop, created with its first connection and
/// dropped with its last, so a camera nobody streams costs nothing here.
final class MJPEGFanOuts: Sendable {
    private struct Key: Hashable {
        let cameraID: CameraID
        let eventLoop: ObjectIdentifier
    }

    private struct Entry {
        let fanOut: MJPEGFanOut
        var connections: Int
    }

    private let fanOuts = Mutex<[Key: Entry]>([:])

    /// Registers a stream connection; pair with `leave`.
    func join(_ feed: CameraFeed, channel: any Channel) -> (MJPEGFanOut, Int) {
        let key = Key(cameraID: feed.cameraID, eventLoop: ObjectIdentifier(channel.eventLoop))
        return fanOuts.withLock { fanOuts in
            if fanOuts[key] == nil || fanOuts[key]!.fanOut.feed !== feed {
                let fanOut = MJPEGFanOut(feed: feed, eventLoop: channel.eventLoop)
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
        let key = Key(cameraID: fanOut.feed.cameraID, eventLoop: ObjectIdentifier(fanOut.eventLoop))
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
