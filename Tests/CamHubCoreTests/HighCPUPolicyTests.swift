import CamHubCore
import Foundation
import Testing

@Suite("High-CPU policy")
struct HighCPUPolicyTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func camera(_ id: String, fps: Int, kind: CameraKind = .registered) -> Camera {
        Camera(id: id, name: id, kind: kind, source: "usb", state: .active, settings: CameraSettings(fps: fps))
    }

    func policy(enabled: Bool = true) -> HighCPUPolicy {
        var settings = HighCPUPolicySettings()
        settings.enabled = enabled
        settings.cpuPercent = 80
        settings.minFPS = 5
        settings.cooldownSeconds = 60
        return HighCPUPolicy(settings: settings)
    }

    @Test func asksRegisteredCamerasToSlowDownWhenHot() {
        var policy = policy()
        let cameras = [camera("a", fps: 30), camera("b", fps: 6), camera("c", fps: 5), camera("local", fps: 30, kind: .local)]
        let commands = policy.decide(cpuPercent: 92, active: cameras, pending: [], now: now)
        #expect(commands.map(\.0) == ["a", "b"])
        #expect(commands.map(\.1.value) == [.integer(20), .integer(5)])
        #expect(commands.allSatisfy { $0.1.type == .adjustFPS && $0.1.reason == "High CPU usage" })
        #expect(commands.allSatisfy { (try? $0.1.validate()) != nil })
    }

    @Test func staysQuietWhenOffCoolOrAlreadyAsked() {
        var off = policy(enabled: false)
        #expect(off.decide(cpuPercent: 99, active: [camera("a", fps: 30)], pending: [], now: now).isEmpty)
        var cool = policy()
        #expect(cool.decide(cpuPercent: 79.9, active: [camera("a", fps: 30)], pending: [], now: now).isEmpty)
        var busy = policy()
        #expect(busy.decide(cpuPercent: 95, active: [camera("a", fps: 30)], pending: ["a"], now: now).isEmpty)
        #expect(busy.decide(cpuPercent: 95, active: [camera("a", fps: 30)], pending: [], now: now).count == 1)
        #expect(busy.decide(cpuPercent: 95, active: [camera("a", fps: 20)], pending: [], now: now.addingTimeInterval(30)).isEmpty)
        #expect(busy.decide(cpuPercent: 95, active: [camera("a", fps: 20)], pending: [], now: now.addingTimeInterval(61)).count == 1)
    }
}
