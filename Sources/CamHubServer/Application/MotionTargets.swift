import CamHubCore
import CamHubMotion
import Synchronization

/// Which cameras this hub analyses for motion, read at every tick of `MotionService`: the config's
/// cameras whose `motion` is enabled (with their own settings), and any camera told `set_task
/// motion` (with the defaults), among those whose frames arrive at this hub (it holds their lease),
/// so on a site of several hubs each camera is analysed once. The registry is read at most once a
/// second.
final class MotionTargets: Sendable {
    private let hub = Mutex<Hub?>(nil)
    private let tasked = Mutex<(at: ContinuousClock.Instant, ids: Set<CameraID>)?>(nil)

    /// Set once the hub is built (the hub holds the service that asks).
    func attach(_ hub: Hub) {
        self.hub.withLock { $0 = hub }
    }

    func current() async -> (fps: Int, cameras: [MotionService.Target]) {
        guard let hub = hub.withLock({ $0 }) else { return (1, []) }
        let configuration = hub.configuration
        var targets: [CameraID: MotionSettings] = [:]
        for camera in configuration.effectiveCameras {
            let settings = configuration.motionSettings(of: camera)
            if settings.enabled { targets[camera.id] = settings }
        }
        var asked = configuration.motion.defaults
        asked.enabled = true
        for id in await taskedWithMotion(hub) where targets[id] == nil {
            targets[id] = asked
        }
        let cameras = targets.filter { hub.cluster.owns($0.key) && hub.localCameras.isStopped($0.key) == false }
            .map { MotionService.Target(cameraID: $0.key, settings: $0.value) }.sorted { $0.cameraID < $1.cameraID }
        return (configuration.motion.fps, cameras)
    }

    /// The cameras whose task is `motion`, from the registry, read again after a second.
    private func taskedWithMotion(_ hub: Hub) async -> Set<CameraID> {
        let now = ContinuousClock.now
        if let cached = tasked.withLock({ $0 }), now - cached.at < .seconds(1) { return cached.ids }
        guard let cameras = try? await hub.cameras.list() else { return tasked.withLock { $0?.ids } ?? [] }
        let ids = Set(cameras.filter { $0.settings.task == "motion" && !$0.isStopped }.map(\.id))
        tasked.withLock { $0 = (now, ids) }
        return ids
    }
}
