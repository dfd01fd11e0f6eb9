import Synchronization

/// The bytes all push sockets hold in frames they have only partly received, kept under
/// `hub.max_partial_bytes`: a socket whose next chunk would take the total past it is refused
/// (closed with 1013, try again later) and its bytes are let go, so no mix of clients can take
/// the hub past that memory.
public final class PartialBytesBudget: Sendable {
    private let limit: @Sendable () -> Int
    private let total = Mutex(0)

    public init(limit: @escaping @Sendable () -> Int) {
        self.limit = limit
    }

    public var held: Int { total.withLock { $0 } }

    /// Moves one socket's share from `share` to `bytes`; false (and the share released) when
    /// growing it would pass the limit.
    public func update(_ share: inout Int, to bytes: Int) -> Bool {
        let limit = limit()
        let accepted = total.withLock { total -> Bool in
            let next = total - share + bytes
            guard bytes <= share || next <= limit else {
                total -= share
                return false
            }
            total = next
            return true
        }
        share = accepted ? bytes : 0
        return accepted
    }

    /// A socket ended: its share goes back.
    public func release(_ share: inout Int) {
        let bytes = share
        total.withLock { $0 -= bytes }
        share = 0
    }
}
