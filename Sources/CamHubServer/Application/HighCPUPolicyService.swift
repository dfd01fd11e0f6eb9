import CamHubCore
import Foundation
import Logging
import ServiceLifecycle

/// Runs `HighCPUPolicy` every `interval_seconds` for the hub's lifetime, queueing the commands it
/// decides on. Only added to the application when `policy.high_cpu.enabled` is true.
struct HighCPUPolicyService: Service, CustomStringConvertible {
    /// Its name in the service group's logs (the default would print the whole hub).
    var description: String { "HighCPUPolicyService" }

    let hub: Hub
    let logger: Logger
    /// Its own sampler, so its measuring windows do not cut into those of `/health`.
    private let usage = SystemUsage()

    init(hub: Hub, logger: Logger) {
        self.hub = hub
        self.logger = logger
    }

    func run() async throws {
        let interval = Duration.seconds(hub.configuration.policy.highCPU.intervalSeconds)
        _ = usage.cpuPercent()  // start the first measuring window
        await cancelWhenGracefulShutdown {
            var policy = HighCPUPolicy(settings: hub.configuration.policy.highCPU)
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                do {
                    try await check(&policy)
                } catch {
                    logger.warning("high-CPU policy check failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    private func check(_ policy: inout HighCPUPolicy) async throws {
        let cpu = usage.cpuPercent()
        let now = Date()
        let active = try await hub.cameras.list().filter { hub.status(of: $0, now: now) == .active }
        var pending = Set<CameraID>()
        for camera in active where camera.kind == .registered {
            let queued = try await hub.commands.commands(for: camera.id)
            if queued.contains(where: { $0.state == .queued && $0.type == .adjustFPS }) { pending.insert(camera.id) }
        }
        for (cameraID, command) in policy.decide(cpuPercent: cpu, active: active, pending: pending, now: now) {
            _ = try await hub.enqueue(command, for: cameraID, logger: logger)
            logger.notice("asked a camera to slow down", metadata: ["camera": "\(cameraID)", "cpu_percent": "\(cpu)", "command": "\(command.value)"])
        }
    }
}
