import CamHubCore
import Foundation
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import Synchronization

/// The push socket each seed 003 camera holds, at most one per camera.
///
/// The original's camera client opens a new socket when it reconnects and never closes the old
/// one (one camera was seen holding 18 at once); a newer socket that proves its token replaces the
/// older, which is closed with a reason. Viewers' messages to the camera (the original frontend's
/// move messages) are passed to the socket registered here. A socket opened with
/// `?commands=json` (`camhub agent`) is also sent the camera's commands as they are queued.
final class PushConnections: Sendable {
    private struct Connection: Sendable {
        let id: UUID
        let outbound: WebSocketOutboundWriter
        let takesCommands: Bool
    }

    private let connections = Mutex<[CameraID: Connection]>([:])

    /// Registers `outbound` as the camera's socket; returns its registration and the socket it
    /// replaced, which the caller closes.
    func register(_ cameraID: CameraID, outbound: WebSocketOutboundWriter, takesCommands: Bool = false) -> (id: UUID, replaced: WebSocketOutboundWriter?) {
        let connection = Connection(id: UUID(), outbound: outbound, takesCommands: takesCommands)
        let replaced = connections.withLock { $0.updateValue(connection, forKey: cameraID) }
        return (connection.id, replaced?.outbound)
    }

    /// Forgets the camera's socket, unless a newer one has replaced it already; true when it was
    /// the camera's socket still.
    @discardableResult
    func remove(_ cameraID: CameraID, id: UUID) -> Bool {
        connections.withLock { connections in
            guard connections[cameraID]?.id == id else { return false }
            connections[cameraID] = nil
            return true
        }
    }

    /// Closes the camera's push socket, if it holds one.
    func close(_ cameraID: CameraID, code: WebSocketErrorCode, reason: String) async {
        guard let connection = connections.withLock({ $0.removeValue(forKey: cameraID) }) else { return }
        try? await connection.outbound.close(code, reason: reason)
    }

    var count: Int { connections.withLock { $0.count } }

    /// Whether the camera holds a push socket here that takes commands.
    func takesCommands(_ cameraID: CameraID) -> Bool {
        connections.withLock { $0[cameraID]?.takesCommands ?? false }
    }

    /// Sends a binary message to the camera's push socket; false when it holds none.
    func send(_ bytes: ByteBuffer, to cameraID: CameraID) async -> Bool {
        await write(.binary(bytes), to: cameraID)
    }

    /// Sends a text message to the camera's push socket, if it takes commands; false otherwise.
    func sendCommand(_ json: String, to cameraID: CameraID) async -> Bool {
        guard takesCommands(cameraID) else { return false }
        return await write(.text(json), to: cameraID)
    }

    private func write(_ message: WebSocketOutboundWriter.OutboundFrame, to cameraID: CameraID) async -> Bool {
        guard let connection = connections.withLock({ $0[cameraID] }) else { return false }
        do {
            try await connection.outbound.write(message)
            return true
        } catch {
            return false
        }
    }
}
