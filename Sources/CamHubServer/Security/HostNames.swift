import HTTPTypes
import Hummingbird

/// Reading the host name out of a request's `Host` (or `:authority`), and matching it.
enum HostNames {
    /// The host without its port, lowercased: `camhub.example.com`, `127.0.0.1`, `::1`.
    static func hostname(ofAuthority authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return authority[authority.index(after: authority.startIndex)..<close].lowercased()
        }
        let host = authority.split(separator: ":", maxSplits: 1).first.map(String.init) ?? authority
        return host.lowercased()
    }

    /// `*` matches anything, `*.example.com` the subdomains of example.com, anything else itself.
    static func matches(_ hostname: String, pattern: String) -> Bool {
        if pattern == "*" { return true }
        let pattern = pattern.lowercased()
        if pattern.hasPrefix("*.") { return hostname.hasSuffix(pattern.dropFirst(1)) }
        return hostname == pattern
    }

    /// Names that can only mean this machine. A browser that reached loopback under any other
    /// name was sent there by DNS (rebinding) or is behind a proxy, and gets no loopback trust.
    static func isLoopbackName(_ hostname: String) -> Bool {
        hostname == "localhost" || hostname.hasSuffix(".localhost") || hostname.hasPrefix("127.") || hostname == "::1"
    }
}

/// `server.trusted_hosts`: a request whose `Host` is not one of them gets 400.
struct TrustedHostGuard<Context: RequestContext>: RouterMiddleware {
    let patterns: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard patterns.contains("*") || isTrusted(request.head.authority) else {
            throw APIError(.badRequest, code: "untrusted_host", "this hub does not answer to host '\(request.head.authority ?? "")'")
        }
        return try await next(request, context)
    }

    private func isTrusted(_ authority: String?) -> Bool {
        guard let authority else { return false }
        let hostname = HostNames.hostname(ofAuthority: authority)
        return patterns.contains { HostNames.matches(hostname, pattern: $0) }
    }
}
