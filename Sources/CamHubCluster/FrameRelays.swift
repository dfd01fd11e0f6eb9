import AsyncHTTPClient
import CamHubCapture
public import CamHubCore
import Foundation
public import Logging
import NIOCore
import Synchronization
public import ServiceLifecycle

/// Frames of cameras another hub captures, for this hub's viewers: one upstream per camera per
/// hub (the owner's MJPEG stream, asked for with the node secret), published into this hub's feed
/// and fanned out to every local viewer from there, never one upstream per viewer.
///
/// Each frame keeps the `X-Timestamp` it had on the owner, the time it entered the site, so
/// latency stays measurable end to end. A relay follows the camera's owner (a new one after a
/// failover, waiting while there is none) and ends when this hub captures the camera itself, or
/// when nobody here has watched it for `idleAfter`.
public final class FrameRelays: Service, Sendable {
    private let membership: ClusterMembership
    private let secret: NodeSecret
    private let frames: FrameHub
    private let maxFrameBytes: Int
    private let logger: Logger
    private let state = Mutex(State())
    /// A relay that nobody watched (no viewer, no request) for this long ends.
    static let idleAfter: Duration = .seconds(10)

    private struct State {
        var running: Set<CameraID> = []
        var touched: [CameraID: ContinuousClock.Instant] = [:]
        /// Where `follow` asks for a relay, while `run` runs.
        var requests: AsyncStream<CameraID>.Continuation?
    }

    public init(membership: ClusterMembership, secret: NodeSecret, frames: FrameHub, maxFrameBytes: Int, logger: Logger) {
        self.membership = membership
        self.secret = secret
        self.frames = frames
        self.maxFrameBytes = maxFrameBytes
        self.logger = logger
    }

    /// Makes sure the camera's frames flow into this hub's feed from the hub that captures it.
    /// Returns true when a relay was started by this call (its first frame is on its way).
    @discardableResult
    public func follow(_ cameraID: CameraID) -> Bool {
        state.withLock { state -> Bool in
            guard let requests = state.requests else { return false }
            state.touched[cameraID] = .now
            guard state.running.insert(cameraID).inserted else { return false }
            requests.yield(cameraID)
            return true
        }
    }

    public func run() async throws {
        let (requests, continuation) = AsyncStream.makeStream(of: CameraID.self)
        state.withLock { $0.requests = continuation }
        // Cancelled at shutdown: the requests end, and so does every relay.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await cameraID in requests {
                    group.addTask {
                        await self.relay(cameraID)
                        self.state.withLock { state in
                            state.running.remove(cameraID)
                            state.touched[cameraID] = nil
                        }
                    }
                }
            }
        }
        state.withLock { state in
            state.requests = nil
            state.running.removeAll()
            state.touched.removeAll()
        }
        continuation.finish()
    }

    private func relay(_ cameraID: CameraID) async {
        let feed = frames.feed(for: cameraID)
        var failures = 0
        while !Task.isCancelled, !isIdle(cameraID, feed) {
            guard let owner = membership.owner(of: cameraID) else {
                // Nobody else captures it now (not yet, or its hub died and it has not come back
                // elsewhere): wait a heartbeat for an owner, while watched. This hub taking the
                // camera ends the relay.
                if membership.owns(cameraID) { break }
                try? await Task.sleep(for: membership.settings.heartbeatInterval)
                continue
            }
            do {
                try await stream(cameraID, from: owner, into: feed)
                failures = 0
            } catch is CancellationError {
                break
            } catch {
                failures += 1
                if failures == 1 {
                    logger.notice("relay from the camera's hub failed; retrying", metadata: [
                        "camera": "\(cameraID)", "owner": "\(owner.address)", "error": "\(error)",
                    ])
                }
                try? await Task.sleep(for: .milliseconds(200 * min(failures, 5)))
            }
        }
        logger.debug("relay ended", metadata: ["camera": "\(cameraID)"])
    }

    private func isIdle(_ cameraID: CameraID, _ feed: CameraFeed) -> Bool {
        guard feed.demand == 0 else { return false }
        let touched = state.withLock { $0.touched[cameraID] } ?? .now
        return ContinuousClock.now - touched > Self.idleAfter
    }

    /// Reads the owner's MJPEG stream into `feed` until it ends, the owner changes, or nobody watches.
    private func stream(_ cameraID: CameraID, from owner: ClusterMembership.Peer, into feed: CameraFeed) async throws {
        let path = cameraID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? cameraID
        let url = "\(owner.address)/cameras/\(path)/stream.mjpeg"
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var request = HTTPClientRequest(url: url)
                request.headers.add(name: NodeSecret.header, value: self.secret.value)
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
                guard response.status == .ok,
                    let boundary = response.headers.first(name: "content-type").flatMap(MJPEGStreamParser.boundary(inContentType:))
                else { throw RelayFailure(description: "\(owner.address) answered HTTP \(response.status.code) for camera \(cameraID)") }
                var parser = MJPEGStreamParser(boundary: boundary, maxFrameBytes: self.maxFrameBytes)
                for try await chunk in response.body {
                    parser.append(chunk.readableBytesView)
                    while let part = try parser.nextPart() {
                        guard let header = JPEGHeader(part.jpeg) else { continue }
                        let entered = MJPEGStreamParser.header("X-Timestamp", in: part.headers).flatMap(FrameTimestamp.init(headerValue:)) ?? .now()
                        feed.publish(jpeg: part.jpeg, width: header.width, height: header.height, at: entered)
                    }
                }
                throw RelayFailure(description: "\(owner.address) ended the stream of camera \(cameraID)")
            }
            // The watchdog: a stream with no frames never wakes the reader, so the owner and the
            // viewers are checked once a second beside it.
            group.addTask {
                while !self.isIdle(cameraID, feed), self.membership.owner(of: cameraID) == owner {
                    try await Task.sleep(for: .seconds(1))
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    struct RelayFailure: Error, CustomStringConvertible {
        let description: String
    }
}
