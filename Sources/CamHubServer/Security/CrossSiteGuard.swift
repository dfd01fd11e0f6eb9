import CamHubCore
import Foundation
import Hummingbird

/// Refuses state-changing requests another site's page makes in the operator's browser.
///
/// Loopback trust and the session cookie are ambient credentials: a page on another site could
/// otherwise post to `http://127.0.0.1:8080/server/shutdown` from the operator's browser. Browsers
/// mark such requests: `Sec-Fetch-Site: cross-site`, or an `Origin` that is not this host. Those
/// are refused with 403. Clients that are not browsers (cameras, scripts) send neither header
/// and are not affected. The session cookie is also `SameSite=Strict`. Origins named in
/// `server.cors_origins` are trusted and let through.
///
/// Behind a balancer the `Host` a hub sees is not the one the browser used (seed 000's nginx block
/// sends `Host $host`, without the port; a bare `proxy_pass` sends the upstream's name), so the
/// browser's own verdict comes first: `Sec-Fetch-Site: same-origin`, which no page can forge
/// and no proxy changes. Browsers that do not send it are judged by their `Origin`, which must be
/// this host or the site's `server.public_url`.
struct CrossSiteGuard<Context: RequestContext>: RouterMiddleware {
    var cors = CORSPolicy(origins: [])
    /// `server.public_url`'s origin (`scheme://host[:port]`), where the site's pages are served.
    var publicOrigin: String? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if ![.get, .head, .options].contains(request.method), Self.isCrossSite(request, publicOrigin: publicOrigin),
            !(request.headers[.origin].map(cors.trusts) ?? false)
        {
            throw APIError(.forbidden, code: "cross_site", "a state-changing request from another site's page is refused")
        }
        return try await next(request, context)
    }

    static func isCrossSite(_ request: Request, publicOrigin: String? = nil) -> Bool {
        if let site = request.headers[.secFetchSite] { return site != "same-origin" && site != "none" }
        guard let origin = request.headers[.origin] else { return false }
        if let publicOrigin, origin.lowercased() == publicOrigin { return false }
        guard let host = request.head.authority else { return true }
        let withoutScheme = origin.split(separator: "://", maxSplits: 1).last.map(String.init) ?? origin
        return withoutScheme != host
    }

}

extension ServerSettings {
    /// The origin of `public_url` (`scheme://host[:port]`, lowercased); nil when it is unset.
    var publicOrigin: String? {
        guard let publicURL, let url = URL(string: publicURL), let scheme = url.scheme, let host = url.host else { return nil }
        let port = url.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)".lowercased()
    }
}
