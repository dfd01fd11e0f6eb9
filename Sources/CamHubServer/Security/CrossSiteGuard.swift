import Hummingbird

/// Refuses state-changing requests another site's page makes in the operator's browser.
///
/// Loopback trust and the session cookie are ambient credentials: a page on another site could
/// otherwise post to `http://127.0.0.1:8080/server/shutdown` from the operator's browser. Browsers
/// mark such requests: `Sec-Fetch-Site: cross-site`, or an `Origin` that is not this host. Those
/// are refused with 403. Clients that are not browsers (cameras, scripts) send neither header
/// and are not affected. The session cookie is also `SameSite=Strict`. Origins named in
/// `server.cors_origins` are trusted and let through.
struct CrossSiteGuard<Context: RequestContext>: RouterMiddleware {
    var cors = CORSPolicy(origins: [])

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if ![.get, .head, .options].contains(request.method), Self.isCrossSite(request),
            !(request.headers[.origin].map(cors.trusts) ?? false)
        {
            throw APIError(.forbidden, code: "cross_site", "a state-changing request from another site's page is refused")
        }
        return try await next(request, context)
    }

    static func isCrossSite(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite], site == "cross-site" || site == "same-site" { return true }
        guard let origin = request.headers[.origin] else { return false }
        guard let host = request.head.authority else { return true }
        let withoutScheme = origin.split(separator: "://", maxSplits: 1).last.map(String.init) ?? origin
        return withoutScheme != host
    }
}
