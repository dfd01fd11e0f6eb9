import CamHubCore
import Foundation
import Logging

/// Stopping and starting a camera, and the checks every path makes (see `Camera.isStopped`).
extension Hub {
    /// Stops or starts a camera on every path at once: the registry keeps the state, a local
    /// camera's source stops, the push socket closes, and the open streams end.
    @discardableResult
    func setStopped(_ id: CameraID, _ stopped: Bool, logger: Logger) async throws -> Camera {
        let camera = try await cameras.update(id: id) { camera in
            camera.state = stopped ? .stopped : (camera.lastSeenAt == nil ? .registered : .active)
        }
        await applyStopped(id, stopped)
        site.send(SiteSignal.stopped(id, stopped))
        // A network camera started again is captured at once when no hub holds it.
        if !stopped, camera.kind == .network { await siteCameras.reconcile() }
        logger.notice(stopped ? "camera stopped by the operator" : "camera started by the operator", metadata: ["camera": "\(id)"])
        return camera
    }

    /// A camera removed from the registry: off the air here at once, and on the hub that holds
    /// it, which is told; a network camera's hub lets it go at its next look at the registry.
    func takeOffTheAir(_ id: CameraID) async {
        await applyStopped(id, true)
        site.send(SiteSignal.stopped(id, true))
        await siteCameras.reconcile()
    }

    /// The live side of a stop or start, on this hub: the source, the push socket, the feed. The
    /// hub that holds them may be another; every hub hears of a stop made through one.
    func applyStopped(_ id: CameraID, _ stopped: Bool) async {
        localCameras.setStopped(id, stopped)
        guard stopped else { return }
        frames.removeFeed(for: id)
        await pushConnections.close(id, code: .policyViolation, reason: "camera \(id) was stopped")
    }

    /// The feed a live route serves: `not_found` for a camera the hub does not know, `stopped`
    /// for a stopped one. A camera another hub captures is relayed into it, unless the request is
    /// another hub's relay itself (`fromNode`: it gets what this hub has, so relays never loop).
    func liveFeed(for id: CameraID, fromNode: Bool = false) async throws -> CameraFeed {
        let registered: Camera?
        do {
            registered = try await cameras.camera(id: id)
        } catch let error as CamHubError where error.code == .databaseUnavailable {
            // Live video needs no database: a camera this hub has a feed for, or captures, is
            // served, unless it was stopped here (stopping a pushed camera removes its feed).
            guard !localCameras.isStopped(id) else { throw CamHubError.stopped(id, "watch it") }
            if let feed = frames.existingFeed(for: id) { return feed }
            if localCameras.output(for: id) != nil { return frames.feed(for: id) }
            throw error
        }
        if let camera = registered {
            try camera.refuseIfStopped("watch it")
        } else if localCameras.output(for: id) == nil {
            // A configured camera is served even when a full disk kept it out of the registry.
            throw CamHubError.notFound("camera '\(id)' not found")
        }
        let feed = frames.feed(for: id)
        if !fromNode { await followIfCapturedElsewhere(id, feed) }
        return feed
    }

    /// Refuses something live sent by a stopped camera, counting it and saying so at notice.
    func refuseIngestIfStopped(_ camera: Camera, what: String, logger: Logger) throws {
        guard camera.isStopped else { return }
        refusals.record(camera.id, reason: "\(what) from a stopped camera")
        logger.notice("refused: the camera is stopped", metadata: ["camera": "\(camera.id)", "refused": "\(what)"])
        try camera.refuseIfStopped("send \(what)")
    }
}
