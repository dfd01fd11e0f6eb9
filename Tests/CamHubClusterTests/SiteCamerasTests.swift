import CamHubCapture
import CamHubCluster
import CamHubCore
import Foundation
import Logging
import Testing

/// Two hubs of one site, in memory: a shared registry and lease table, a capture supervisor each.
@Suite("Site cameras")
struct SiteCamerasTests {
    struct TestHub {
        let membership: ClusterMembership
        let capture: LocalCameras
        let siteCameras: SiteCameras

        func captures(_ id: CameraID) -> Bool { capture.output(for: id) != nil }
    }

    static func hub(registry: any CameraRepository, leases: any ClusterRepository, config: [LocalCameraSettings] = []) -> TestHub {
        let membership = ClusterMembershipTests.membership(leases, lease: 2)
        let capture = LocalCameras(cameras: config, frames: FrameHub(), logger: Logger(label: "test"))
        let siteCameras = SiteCameras(
            registry: registry, membership: membership, capture: capture,
            settings: { camera in
                var settings = LocalCameraSettings(id: camera.id, name: camera.name)
                settings.source = camera.source
                return settings
            },
            logger: Logger(label: "test")
        )
        return TestHub(membership: membership, capture: capture, siteCameras: siteCameras)
    }

    static func networkCamera(_ id: CameraID, state: CameraState = .registered) -> Camera {
        // Nothing listens on port 9: the source fails and retries, which is enough to be captured.
        Camera(id: id, name: id, kind: .network, source: "http://127.0.0.1:9/\(id)", state: state)
    }

    @Test func exactlyOneHubCapturesANetworkCameraAndAnotherTakesItOverWhenThatHubDies() async throws {
        let registry = MemoryCameraRepository(), leases = MemoryClusterRepository()
        try await registry.create(Self.networkCamera("gate"))
        try await registry.create(Camera(id: "door", name: "door", kind: .pushed, source: "websocket"))
        let a = Self.hub(registry: registry, leases: leases), b = Self.hub(registry: registry, leases: leases)
        await a.membership.heartbeat()
        await b.membership.heartbeat()

        await a.siteCameras.reconcile()
        await b.siteCameras.reconcile()
        #expect(a.captures("gate") && !b.captures("gate"))
        #expect(!a.captures("door") && !b.captures("door"), "only network cameras are captured")
        #expect(try await leases.leases().map(\.nodeID) == [a.membership.node.id])

        // A dies: no more heartbeats. Once its lease has run out, B's next look takes the camera.
        try await Task.sleep(for: .milliseconds(2300))
        await b.membership.heartbeat()
        await b.siteCameras.reconcile()
        #expect(b.captures("gate"))
        // A comes back from a long pause: its heartbeat says it lost the camera, so it lets it go.
        await a.membership.heartbeat()
        await a.siteCameras.reconcile()
        #expect(!a.captures("gate"))
        #expect(try await leases.leases().map(\.nodeID) == [b.membership.node.id])
    }

    @Test func aStoppedOrRemovedCameraIsLetGoAndItsLeaseFreed() async throws {
        let registry = MemoryCameraRepository(), leases = MemoryClusterRepository()
        try await registry.create(Self.networkCamera("yard"))
        let a = Self.hub(registry: registry, leases: leases)
        await a.siteCameras.reconcile()
        #expect(a.captures("yard"))

        _ = try await registry.update(id: "yard") { $0.state = .stopped }
        await a.siteCameras.reconcile()
        #expect(!a.captures("yard"))
        #expect(try await leases.leases().isEmpty)

        _ = try await registry.update(id: "yard") { $0.state = .registered }
        await a.siteCameras.reconcile()
        #expect(a.captures("yard"))
        await registry.delete(id: "yard")
        await a.siteCameras.reconcile()
        #expect(!a.captures("yard"))
        #expect(try await leases.leases().isEmpty)
    }

    @Test func theSiteCamerasAndTheConfigFilesCamerasAreAppliedApart() async throws {
        let registry = MemoryCameraRepository(), leases = MemoryClusterRepository()
        try await registry.create(Self.networkCamera("road"))
        let configured = LocalCameraSettings(id: "desk", name: "Desk")
        let a = Self.hub(registry: registry, leases: leases, config: [configured])
        await a.siteCameras.reconcile()
        #expect(a.captures("road") && a.captures("desk"))
        // A config reload without the site's camera keeps it; a site pass keeps the config's.
        let reload = a.capture.apply([configured])
        #expect(reload.removed.isEmpty && reload.unchanged == ["desk"])
        await registry.delete(id: "road")
        await a.siteCameras.reconcile()
        #expect(!a.captures("road") && a.captures("desk"))
        #expect(a.capture.apply([]).removed == ["desk"])
    }
}
