public import CamHubCapture
public import CamHubCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// The site's network cameras (declared through the API with an `http(s)://` or `rtsp(s)://`
/// source): exactly one hub captures each at a time, the one that holds its lease.
///
/// Each hub looks at the registry once per cluster heartbeat. A camera no live hub holds is
/// claimed, and the hub that wins its lease runs its source. A hub that loses the lease (it was cut
/// off from the database for longer than the lease), or sees the camera stopped or removed, lets
/// it go. So when a hub dies, its cameras are taken over by the first surviving hub to look,
/// within the lease time and a heartbeat, and their viewers on other hubs keep watching through
/// the relays, which follow the new owner.
public final class SiteCameras: Service, Sendable {
    /// A network camera's capture settings, with its sealed credentials opened.
    public typealias Settings = @Sendable (Camera) throws -> LocalCameraSettings

    private let registry: any CameraRepository
    private let membership: ClusterMembership
    private let capture: LocalCameras
    private let settings: Settings
    private let logger: Logger
    private let pass = Mutex(Pass())

    private struct Pass {
        var running = false
        var again = false
        var failing = false
    }

    public init(registry: any CameraRepository, membership: ClusterMembership, capture: LocalCameras, settings: @escaping Settings, logger: Logger) {
        self.registry = registry
        self.membership = membership
        self.capture = capture
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.reconcile()
                try? await Task.sleep(for: self.membership.settings.heartbeatInterval)
            }
        }
    }

    /// Looks at the registry now and captures or lets go, as the type's description says. A call
    /// made while another is under way makes that one look once more, so passes never overlap.
    public func reconcile() async {
        let first = pass.withLock { pass in
            if pass.running { pass.again = true }
            defer { pass.running = true }
            return !pass.running
        }
        guard first else { return }
        repeat {
            await reconcileOnce()
        } while pass.withLock { pass in
            defer { pass.again = false }
            if !pass.again { pass.running = false }
            return pass.again
        }
    }

    private func reconcileOnce() async {
        let cameras: [Camera]
        do {
            cameras = try await registry.list()
            if pass.withLock({ pass in defer { pass.failing = false }; return pass.failing }) {
                logger.notice("the site's network cameras can be read again")
            }
        } catch {
            if pass.withLock({ pass in defer { pass.failing = true }; return !pass.failing }) {
                logger.warning("could not read the site's network cameras; the ones captured here go on", metadata: ["error": "\(error)"])
            }
            return
        }
        var captured: [LocalCameraSettings] = []
        for camera in cameras where camera.kind == .network && !camera.isStopped {
            guard await holds(camera.id) else { continue }
            do {
                captured.append(try settings(camera))
            } catch {
                logger.error("a network camera's settings cannot be read; it is not captured", metadata: ["camera": "\(camera.id)", "error": "\(error)"])
                await membership.release(camera.id)
            }
        }
        let change = capture.apply(captured, declaredBy: .site)
        for id in change.added {
            logger.notice("capturing a network camera for the site", metadata: ["camera": "\(id)"])
        }
        for id in change.removed {
            await membership.release(id)
            logger.notice("no longer capturing a network camera", metadata: ["camera": "\(id)"])
        }
    }

    /// Whether this hub holds the camera's lease, taking it when no live hub does.
    private func holds(_ id: CameraID) async -> Bool {
        if membership.owns(id) { return true }
        guard membership.owner(of: id) == nil else { return false }
        return (try? await membership.claim(id)) == membership.node.id
    }
}
