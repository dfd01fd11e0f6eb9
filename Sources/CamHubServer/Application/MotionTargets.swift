import CamHubCore
import CamHubMotion
import Synchronization

/// Which cameras this hub analyses for motion, read at every tick of `MotionService`: the config's
/// cameras whose `motion` is enabled (with their own settings), and the registry's cameras enabled
/// through `PUT /cameras/{id}/motion`, told `set_task motion`, or all of them when the top-level
/// `motion.enabled` is on (with the defaults and their own settings); only those whose frames
/// arrive at this hub (it holds their lease), so on a site of several hubs each camera is analysed
/// once. The registry is read at most once a second.
final class MotionTargets: Sendable {
    private let hub = Mutex<Hub?>(nil)
    private let registry = Mutex<(at: ContinuousClock.Instant, configuration: HubConfiguration, targets: [CameraID: MotionSettings])?>(nil)

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
        for (id, settings) in await fromRegistry(hub, configuration) where targets[id] == nil {
            targets[id] = settings
        }
        let cameras = targets.filter { hub.cluster.owns($0.key) && hub.localCameras.isStopped($0.key) == false }
            .map { MotionService.Target(cameraID: $0.key, settings: $0.value) }.sorted { $0.cameraID < $1.cameraID }
        return (configuration.motion.fps, cameras)
    }

    /// The registry's cameras to analyse, with their settings in force (`motionSettings(of:)`).
    /// Read again after a second, or at once when the configuration changed.
    private func fromRegistry(_ hub: Hub, _ configuration: HubConfiguration) async -> [CameraID: MotionSettings] {
        let now = ContinuousClock.now
        if let cached = registry.withLock({ $0 }), cached.configuration == configuration, now - cached.at < .seconds(1) { return cached.targets }
        guard let cameras = try? await hub.cameras.list() else { return registry.withLock { $0?.targets } ?? [:] }
        var targets: [CameraID: MotionSettings] = [:]
        for camera in cameras where !camera.isStopped {
            let settings = configuration.motionSettings(of: camera)
            if settings.enabled { targets[camera.id] = settings }
        }
        registry.withLock { $0 = (now, configuration, targets) }
        return targets
    }
}
