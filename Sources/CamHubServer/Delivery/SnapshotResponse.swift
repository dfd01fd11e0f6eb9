import CamHubCore
import HTTPTypes
import Hummingbird
import NIOCore

/// A single JPEG: the newest frame of a camera.
enum SnapshotResponse {
    /// How long a request waits for a camera's first frame before giving up.
    static let firstFrameWait: Duration = .seconds(3)

    static func newest(_ feed: CameraFeed, size: FrameSize? = nil) async throws -> Response {
        guard let frame = try await newestOrFirst(feed) else {
            throw CamHubError.unavailable("camera '\(feed.cameraID)' has no frame yet")
        }
        // The camera's own size needs no scaling: serve the shared buffer.
        guard let size, size != FrameSize(width: frame.width, height: frame.height) else {
            return jpeg(frame, body: JPEGBuffer.of(frame))
        }
        guard let scaled = ScaledFrame.jpeg(frame, size: size) else {
            throw CamHubError.unavailable("camera '\(feed.cameraID)': its newest frame could not be decoded to scale it")
        }
        return jpeg(frame, body: ByteBuffer(bytes: scaled))
    }

    static func jpeg(_ frame: Frame, body: ByteBuffer) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "image/jpeg",
                .cacheControl: "no-cache, no-store, must-revalidate",
                .xTimestamp: frame.timestamp.headerValue,
                .xFrameSequence: String(frame.sequence),
            ],
            body: .init(byteBuffer: body)
        )
    }

    /// The newest frame, or the first one to arrive within `firstFrameWait`.
    static func newestOrFirst(_ feed: CameraFeed) async throws -> Frame? {
        if let frame = feed.newest { return frame }
        return try await withThrowingTaskGroup(of: Frame?.self) { group in
            group.addTask { await feed.withViewer { await $0.next() } }
            group.addTask {
                try await Task.sleep(for: firstFrameWait)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
