public import Foundation

/// Where queued commands are kept. Every backend passes the same contract tests.
public protocol CommandRepository: Sendable {
    /// Queues a validated command for a camera and returns it with its id.
    func enqueue(_ request: CommandRequest, for cameraID: CameraID, at time: Date) async throws -> CameraCommand
    /// Every command of a camera, oldest first.
    func commands(for cameraID: CameraID) async throws -> [CameraCommand]
    /// The camera's queued commands, oldest first, marked delivered in the same transaction, so
    /// each is handed out exactly once.
    func takeQueued(for cameraID: CameraID, at time: Date) async throws -> [CameraCommand]
    /// Puts back a command as it was (its state and times; a new id), for `camhub db copy`.
    func restore(_ command: CameraCommand) async throws
}

/// Commands held in memory, for tests and for running without a database.
public actor MemoryCommandRepository: CommandRepository {
    private var stored: [CameraCommand] = []

    public init() {}

    public func enqueue(_ request: CommandRequest, for cameraID: CameraID, at time: Date) -> CameraCommand {
        let command = CameraCommand(
            id: Int64(stored.count + 1), cameraID: cameraID, type: request.type, value: request.value,
            reason: request.reason, createdAt: time
        )
        stored.append(command)
        return command
    }

    public func commands(for cameraID: CameraID) -> [CameraCommand] {
        stored.filter { $0.cameraID == cameraID }
    }

    public func restore(_ command: CameraCommand) {
        var restored = command
        restored.id = Int64(stored.count + 1)
        stored.append(restored)
    }

    public func takeQueued(for cameraID: CameraID, at time: Date) -> [CameraCommand] {
        var taken: [CameraCommand] = []
        for index in stored.indices where stored[index].cameraID == cameraID && stored[index].state == .queued {
            stored[index].state = .delivered
            stored[index].deliveredAt = time
            taken.append(stored[index])
        }
        return taken
    }
}
