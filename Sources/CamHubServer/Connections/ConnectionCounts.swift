import CamHubCore
import Glibc
import Synchronization

/// The open connections, in total and per client address, against `server.max_connections` and
/// `server.max_connections_per_address`. A connection past either is still counted (it holds a
/// socket) until it closes; the guard answers it 503 unless it asks for `/health`.
final class ConnectionCounts: Sendable {
    struct Limits: Sendable, Equatable {
        var total: Int
        var perAddress: Int
        /// Reverse proxies carry many clients on few addresses: only the total applies to them.
        var exempt: [AddressRange]

        init(total: Int, perAddress: Int, exempt: [AddressRange]) {
            self.total = total
            self.perAddress = perAddress
            self.exempt = exempt
        }

        /// The configured limits; a total of 0 is three quarters of the file descriptor limit,
        /// so the hub always has descriptors left for its files, its database and `/health`.
        init(_ server: ServerSettings) {
            var total = server.maxConnections
            if total == 0 {
                var limit = rlimit()
                let descriptors = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Int(clamping: limit.rlim_cur) : 1024
                total = max(64, descriptors / 4 * 3)
            }
            self.init(total: total, perAddress: server.maxConnectionsPerAddress, exempt: server.trustedProxyRanges)
        }
    }

    private struct State {
        var total = 0
        var perAddress: [String: Int] = [:]
        var cut: [String: Int] = [:]
    }

    let limits: Limits
    private let state = Mutex(State())

    init(limits: Limits) {
        self.limits = limits
    }

    /// Counts a new connection from `address`, and says whether it is within the limits.
    func open(_ address: String?) -> Bool {
        let key = address ?? "-"
        let exempt = address.map { address in limits.exempt.contains { $0.contains(address) } } ?? false
        return state.withLock { state in
            state.total += 1
            let fromAddress = (state.perAddress[key] ?? 0) + 1
            state.perAddress[key] = fromAddress
            return state.total <= limits.total && (exempt || fromAddress <= limits.perAddress)
        }
    }

    func close(_ address: String?) {
        let key = address ?? "-"
        state.withLock { state in
            state.total -= 1
            let left = (state.perAddress[key] ?? 1) - 1
            state.perAddress[key] = left > 0 ? left : nil
        }
    }

    /// Counts a connection the guard answered and closed, by the answer's code.
    func cut(_ code: String) {
        state.withLock { $0.cut[code, default: 0] += 1 }
    }

    /// Open connections now, and the connections the guard cut since the start, by code
    /// (`request_timeout`, `uri_too_long`, `headers_too_large`, `bad_request`, `too_many_connections`).
    var figures: (open: Int, cut: [String: Int]) {
        state.withLock { ($0.total, $0.cut) }
    }
}
