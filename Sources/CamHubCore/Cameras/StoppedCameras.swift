public import Foundation
import Synchronization

/// What "stopped" means, once for every path.
///
/// An operator stops a camera (seed 000's `stop`, the camera page); `start` undoes it. The state
/// is kept in the registry, so it survives a restart. While a camera is stopped:
/// - the hub takes nothing live from it: uploads, `update-image` and pushed frames are refused
///   (409 `stopped`; a push socket is closed with 1008), its detections are refused (seed 002's
///   error answer), and a local camera's source is not run;
/// - nothing live is served: open streams end, and new streams, snapshots and sockets get 409
///   `stopped`;
/// - every status route says so (`stopped`, `is_running: false`), with the refusals counted;
/// - it stays listed; its heartbeats, registration and health reports are still taken (that is
///   how it is seen alive and started again), commands still queue, and its records stay.
extension Camera {
    public var isStopped: Bool { state == .stopped }

    /// Throws `stopped` when the camera is stopped; `doing` finishes "start it to ...".
    public func refuseIfStopped(_ doing: String) throws(CamHubError) {
        guard isStopped else { return }
        throw .stopped(id, doing)
    }
}

extension CamHubError {
    /// A stopped camera's refusal; `doing` finishes "start it to ...".
    public static func stopped(_ id: CameraID, _ doing: String) -> CamHubError {
        CamHubError(.stopped, "camera '\(id)' is stopped; start it to \(doing)")
    }
}

extension CamHubError.Code {
    /// The camera is stopped (see `Camera.isStopped`).
    public static let stopped = CamHubError.Code(rawValue: "stopped")
}

/// What the hub refused from each camera since it started (a stopped camera's frames and
/// detections), for the status routes: how many, the last time and why.
public final class IngestRefusals: Sendable {
    public struct Summary: Sendable, Equatable {
        public var count: Int
        public var lastAt: Date
        public var lastReason: String
    }

    private let summaries = Mutex<[CameraID: Summary]>([:])

    public init() {}

    public func record(_ cameraID: CameraID, reason: String, at now: Date = Date()) {
        summaries.withLock { summaries in
            let count = (summaries[cameraID]?.count ?? 0) + 1
            summaries[cameraID] = Summary(count: count, lastAt: now, lastReason: reason)
        }
    }

    public func summary(for cameraID: CameraID) -> Summary? {
        summaries.withLock { $0[cameraID] }
    }
}
