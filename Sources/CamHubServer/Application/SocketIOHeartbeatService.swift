import CamHubSocketIO
import ServiceLifecycle

/// Drives the Socket.IO server's heartbeat once a second (pings, and closing clients that stopped
/// answering), and closes every session at shutdown so no poll or socket holds the server open.
struct SocketIOHeartbeatService: Service {
    let server: SocketIOServer

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await server.heartbeat()
                try? await Task.sleep(for: .seconds(1))
            }
        }
        await server.closeAll()
    }
}
