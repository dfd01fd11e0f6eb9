import Synchronization

/// The one place frames go through, whatever their source: one `CameraFeed` per camera.
///
/// Sources publish into a feed; delivery paths (MJPEG, snapshots, and later SSE and WebSocket)
/// read from it. The hub knows nothing about where a camera came from.
public final class FrameHub: Sendable {
    public let ringCapacity: Int
    private let feeds = Mutex<[CameraID: CameraFeed]>([:])

    public init(ringCapacity: Int = 8) {
        self.ringCapacity = ringCapacity
    }

    /// The feed of `cameraID`, created on first use.
    public func feed(for cameraID: CameraID) -> CameraFeed {
        feeds.withLock { feeds in
            if let feed = feeds[cameraID] { return feed }
            let feed = CameraFeed(cameraID: cameraID, ringCapacity: ringCapacity)
            feeds[cameraID] = feed
            return feed
        }
    }

    /// The feed of `cameraID` if anything has created it.
    public func existingFeed(for cameraID: CameraID) -> CameraFeed? {
        feeds.withLock { $0[cameraID] }
    }

    public var cameraIDs: [CameraID] {
        feeds.withLock { Array($0.keys) }.sorted()
    }

    /// Removes a camera's feed and ends its viewers' streams.
    public func removeFeed(for cameraID: CameraID) {
        feeds.withLock { $0.removeValue(forKey: cameraID) }?.close()
    }

    public func statistics(now: FrameTimestamp = .now()) -> [FeedStatistics] {
        let all = feeds.withLock { Array($0.values) }
        return all.map { $0.statistics(now: now) }.sorted { $0.cameraID < $1.cameraID }
    }
}
