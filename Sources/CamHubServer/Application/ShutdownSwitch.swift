import Synchronization

/// Lets a request (`POST /server/shutdown`) start the same graceful shutdown SIGTERM starts.
/// `HubServer` connects it to its service group; in tests nothing is connected and it only
/// records that it was pulled.
public final class ShutdownSwitch: Sendable {
    private let action = Mutex<(@Sendable () async -> Void)?>(nil)
    private let pulled = Mutex(false)

    public init() {}

    public func connect(_ shutdown: @escaping @Sendable () async -> Void) {
        action.withLock { $0 = shutdown }
    }

    public var wasPulled: Bool { pulled.withLock { $0 } }

    public func pull() async {
        pulled.withLock { $0 = true }
        await action.withLock { $0 }?()
    }
}
