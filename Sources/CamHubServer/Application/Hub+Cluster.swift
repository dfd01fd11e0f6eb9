import CamHubCluster
import CamHubCore
import Foundation
import Hummingbird
import Logging

/// The hub as one node of a site: frames go to the hub that captures their camera, and viewers of
/// a camera another hub captures are served from a relay of it.
extension Hub {
    /// Publishes a frame that arrived here (an upload, a raw frame, `update-image`) into the
    /// camera's feed, on the hub that captures the camera: this one when it does, or when nobody
    /// does (it takes the camera then), else the owner. An owner that cannot be reached does not
    /// lose the frame: it is published here, for this hub's viewers.
    func ingest(_ jpeg: [UInt8], _ header: JPEGHeader, for cameraID: CameraID, logger: Logger) async throws -> Frame {
        let entered = FrameTimestamp.now()
        let owner: ClusterMembership.Peer?
        do {
            owner = try await cluster.ownerForIngest(cameraID)
        } catch {
            logger.warning("could not learn which hub captures the camera; the frame is kept here", metadata: ["camera": "\(cameraID)", "error": "\(error)"])
            owner = nil
        }
        if let owner {
            do {
                let published = try await forwarder.forward(jpeg, of: cameraID, enteredAt: entered, to: owner)
                return Frame(cameraID: cameraID, sequence: published.sequence, jpeg: jpeg, width: header.width, height: header.height, timestamp: entered)
            } catch {
                logger.warning("the camera's hub did not take the frame; it is kept here", metadata: [
                    "camera": "\(cameraID)", "owner": "\(owner.address)", "error": "\(error)",
                ])
            }
        }
        return frames.feed(for: cameraID).publish(jpeg: jpeg, width: header.width, height: header.height, at: entered)
    }

    /// Whether the request comes from another hub of the site (it proves the node secret).
    func isFromNode(_ request: Request) -> Bool {
        nodeSecret.matches(request.headers[values: .camhubNode].first)
    }

    /// On a site of several hubs, a camera this hub does not capture is relayed into this hub's
    /// feed from the hub that does, now or once one does (so a viewer that came first, or stayed
    /// through a failover, gets the frames without reconnecting). A relay that has just started
    /// from a known owner is given a moment for its first frame, so a snapshot finds one.
    func followIfCapturedElsewhere(_ id: CameraID, _ feed: CameraFeed) async {
        guard site.reachesOtherHubs, localCameras.output(for: id) == nil, !cluster.owns(id) else { return }
        guard relays.follow(id), cluster.owner(of: id) != nil, feed.newest == nil else { return }
        _ = try? await SnapshotResponse.newestOrFirst(feed)
    }
}
