import CamHubCore
import CamHubMotion
import Synchronization

/// Which cameras this hub analyses for motion, read at every tick of `MotionService`: the config's
/// cameras whose `motion` is enabled (with their own settings), any camera told `set_task motion`,
/// and every camera of the registry when the top-level `motion.enabled` is on (these with the
/// defaults), among those whose frames arrive at this hub (it holds their lease), so on a site of
/// several hubs each camera is analysed once. The registry is read at most once a second.
final class MotionTargets: Sendable {
    private let hub = Mutex<Hub?>(nil)
    private let registry = Mutex<(at: ContinuousClock.Instant, everyCamera: Bool, ids: Set<CameraID>)?>(nil)

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
        for id in await fromRegistry(hub, everyCamera: configuration.motion.defaults.enabled) where targets[id] == nil {
            targets[id] = asked
        }
        let cameras = targets.filter { hub.cluster.owns($0.key) && hub.localCameras.isStopped($0.key) == false }
            .map { MotionService.Target(cameraID: $0.key, settings: $0.value) }.sorted { $0.cameraID < $1.cameraID }
        return (configuration.motion.fps, cameras)
    }

    /// The registry's cameras whose task is `motion` (or all of them), read again after a second.
    private func fromRegistry(_ hub: Hub, everyCamera: Bool) async -> Set<CameraID> {
        let now = ContinuousClock.now
        if let cached = registry.withLock({ $0 }), cached.everyCamera == everyCamera, now - cached.at < .seconds(1) { return cached.ids }
        guard let cameras = try? await hub.cameras.list() else { return registry.withLock { $0?.ids } ?? [] }
        let ids = Set(cameras.filter { (everyCamera || $0.settings.task == "motion") && !$0.isStopped }.map(\.id))
        registry.withLock { $0 = (now, everyCamera, ids) }
        return ids
    }
}
