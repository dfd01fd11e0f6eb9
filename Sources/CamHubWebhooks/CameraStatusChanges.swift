public import CamHubCore

/// Which cameras came online or went offline between two looks at their statuses: `active` to
/// `inactive` or `error` is `camera_offline`; `inactive`, `error` or `registered` to `active` is
/// `camera_online`. A stop or an on-demand camera going idle is the operator's doing, not news.
/// At the first look every camera is only remembered, so a hub that starts announces nothing; a
/// camera that appears later already active (registered and heard from between two looks) is
/// `camera_online` with no previous status.
public struct CameraStatusChanges: Sendable {
    public struct Change: Sendable, Equatable {
        public let type: String
        public let camera: Camera
        public let previous: CameraState?
        public let status: CameraState
    }

    private var last: [CameraID: CameraState] = [:]
    private var looked = false

    public init() {}

    public mutating func look(_ statuses: [(camera: Camera, status: CameraState)]) -> [Change] {
        var changes: [Change] = []
        var seen: [CameraID: CameraState] = [:]
        for (camera, status) in statuses {
            seen[camera.id] = status
            guard let previous = last[camera.id] else {
                if looked, status == .active { changes.append(Change(type: "camera_online", camera: camera, previous: nil, status: status)) }
                continue
            }
            guard previous != status else { continue }
            if previous == .active, status == .inactive || status == .error {
                changes.append(Change(type: "camera_offline", camera: camera, previous: previous, status: status))
            } else if status == .active, [.inactive, .error, .registered].contains(previous) {
                changes.append(Change(type: "camera_online", camera: camera, previous: previous, status: status))
            }
        }
        last = seen
        looked = true
        return changes
    }

    /// Starts again from nothing (this hub stopped announcing for a while).
    public mutating func forget() {
        last = [:]
        looked = false
    }
}
