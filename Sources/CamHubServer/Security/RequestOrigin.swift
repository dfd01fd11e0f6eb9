import CamHubCore
import HTTPTypes
import Hummingbird
import NIOCore

/// Where a request really comes from: the peer, or, when the peer is one of
/// `server.trusted_proxies`, the client and the scheme and host it asked for, as the proxy says in
/// `Forwarded` (RFC 7239) or `X-Forwarded-For`, `-Proto`, `-Host` and `-Port`.
///
/// Behind several proxies the client is the rightmost forwarded address that is not a trusted
/// proxy, so a client cannot choose its own address by sending the header itself.
struct RequestOrigin: Sendable, Equatable {
    /// The client's IP address; nil when the peer has none (a Unix socket, a test).
    var clientAddress: String?
    /// `http` or `https`, when a trusted proxy said which.
    var scheme: String?
    /// `host[:port]` the client asked for, when a trusted proxy said it.
    var authority: String?

    init(clientAddress: String?, scheme: String? = nil, authority: String? = nil) {
        self.clientAddress = clientAddress
        self.scheme = scheme
        self.authority = authority
    }

    init(peer: String?, headers: HTTPFields, requestAuthority: String?, trusted: [AddressRange]) {
        self.init(clientAddress: peer)
        guard let peer, !trusted.isEmpty, trusted.contains(address: peer) else { return }
        let forwarded = Self.forwardedElements(headers)
        let chain: [String]
        let firstHop: [String: String]
        if !forwarded.isEmpty {
            chain = forwarded.compactMap { $0["for"].map(Self.address(ofNode:)) }
            firstHop = forwarded[0]
        } else {
            chain = Self.list(headers, "X-Forwarded-For")
            var hop: [String: String] = [:]
            hop["proto"] = Self.list(headers, "X-Forwarded-Proto").first
            hop["host"] = Self.list(headers, "X-Forwarded-Host").first
            hop["port"] = Self.list(headers, "X-Forwarded-Port").first
            firstHop = hop
        }
        if let client = chain.reversed().first(where: { !trusted.contains(address: $0) }) ?? chain.first,
            AddressRange.bytes(of: client) != nil
        {
            clientAddress = client
        }
        if let proto = firstHop["proto"]?.lowercased(), proto == "http" || proto == "https" { scheme = proto }
        authority = Self.authority(host: firstHop["host"], port: firstHop["port"], requestAuthority: requestAuthority, scheme: scheme)
    }

    /// The forwarded host, with the forwarded port when one is given and the host has none.
    private static func authority(host: String?, port: String?, requestAuthority: String?, scheme: String?) -> String? {
        let port = port.flatMap { UInt16($0) }
        guard let host = host.flatMap(Self.plainAuthority) ?? (port != nil ? requestAuthority.map(HostNames.hostname(ofAuthority:)) : nil) else {
            return nil
        }
        let hasPort = host.hasPrefix("[") ? host.contains("]:") : host.contains(":")
        guard let port, !hasPort else { return host }
        let isDefault = (scheme == "https" && port == 443) || (scheme != "https" && port == 80)
        if isDefault { return host }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(bracketed):\(port)"
    }

    /// A host name or address with an optional port, and nothing else (no path, no userinfo).
    private static func plainAuthority(_ text: String) -> String? {
        let allowed = text.allSatisfy { $0.isLetter || $0.isNumber || "-.:[]_".contains($0) }
        return allowed && !text.isEmpty && text.count <= 255 ? text : nil
    }

    /// The comma-separated values of every `name` field, trimmed.
    private static func list(_ headers: HTTPFields, _ name: String) -> [String] {
        guard let field = HTTPField.Name(name) else { return [] }
        return headers[values: field].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `Forwarded: for=192.0.2.60;proto=https;host=example.com, for="[2001:db8::1]:4711"`, as one
    /// dictionary per hop, keys lowercased and quotes removed.
    private static func forwardedElements(_ headers: HTTPFields) -> [[String: String]] {
        list(headers, "Forwarded").map { element in
            var pairs: [String: String] = [:]
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                var value = parts[1].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                pairs[parts[0].trimmingCharacters(in: .whitespaces).lowercased()] = value
            }
            return pairs
        }
    }

    /// The address of a `for=` node: `192.0.2.60`, `192.0.2.60:4711`, `[2001:db8::1]:4711`.
    private static func address(ofNode node: String) -> String {
        if node.hasPrefix("["), let close = node.firstIndex(of: "]") {
            return String(node[node.index(after: node.startIndex)..<close])
        }
        let parts = node.split(separator: ":")
        return parts.count == 2 ? String(parts[0]) : node
    }
}

/// A context that carries the request's origin.
protocol OriginRequestContext: RequestContext {
    var origin: RequestOrigin { get set }
}

/// Works out each request's `RequestOrigin` first, so every later layer (the logs, the access
/// rules, the links) sees the same client.
struct RequestOriginMiddleware<Context: OriginRequestContext>: RouterMiddleware {
    let trusted: [AddressRange]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !trusted.isEmpty else { return try await next(request, context) }
        var context = context
        context.origin = RequestOrigin(
            peer: context.origin.clientAddress, headers: request.headers, requestAuthority: request.head.authority, trusted: trusted
        )
        return try await next(request, context)
    }
}
