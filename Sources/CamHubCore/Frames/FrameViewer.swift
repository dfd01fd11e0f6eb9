/// One consumer of a camera's frames, such as an MJPEG connection.
///
/// Get one from `CameraFeed.withViewer`, which removes it again when the scope ends. It holds no
/// frames itself; the feed remembers the last sequence it handed out.
public struct FrameViewer: Sendable {
    public let id: Int
    let feed: CameraFeed

    /// Waits for a frame newer than the last one this viewer got. Nil when the feed closes or the
    /// task is cancelled.
    public func next() async -> Frame? {
        await feed.nextFrame(for: id)
    }
}

extension FrameViewer {
    /// Ends this viewer's stream from any task: a waiting or later `next()` returns nil.
    public func close() {
        feed.closeViewer(id)
    }
}
