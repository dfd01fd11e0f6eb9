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

    private let fanOuts = Mutex<[Key: MJPEGFanOut]>([:])

    /// Registers a stream connection; pair with `leave`.
    func join(_ feed: CameraFeed, channel: any Channel) -> (MJPEGFanOut, Int) {
        let key = Key(cameraID: feed.cameraID, eventLoop: ObjectIdentifier(channel.eventLoop))
        return fanOuts.withLock { fanOuts in
            let fanOut: MJPEGFanOut
            if let existing = fanOuts[key], existing.feed === feed {
                fanOut = existing
            } else {
                fanOut = MJPEGFanOut(feed: feed, eventLoop: channel.eventLoop)
                fanOuts[key] = fanOut
                feed.addSink(fanOut)
            }
            return (fanOut, fanOut.add(channel))
        }
    }

    func leave(_ fanOut: MJPEGFanOut, id: Int) {
        fanOuts.withLock { fanOuts in
            fanOut.remove(id)
            let key = Key(cameraID: fanOut.feed.cameraID, eventLoop: ObjectIdentifier(fanOut.eventLoop))
            if fanOut.isEmpty, fanOuts[key] === fanOut {
                fanOuts[key] = nil
                fanOut.feed.removeSink(fanOut)
            }
        }
    }
}
