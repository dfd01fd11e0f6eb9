import HTTPTypes
import Hummingbird

/// `server.cors_origins`: which other sites' pages may call the API from a browser.
///
/// - A listed origin gets its `Origin` echoed in `Access-Control-Allow-Origin`, preflights
///   answered, and may make changes (`CrossSiteGuard` lets it through).
/// - `*` lets any page read (`Access-Control-Allow-Origin: *`, no credentials), but a change from
///   another site's page is still refused: with loopback trust, `*` must not mean "any web page
///   may shut the hub down".
/// - Nothing listed: only this host's own page.
struct CORSPolicy: Sendable {
    let origins: Set<String>
    let anyOriginMayRead: Bool

    init(origins: [String]) {
        anyOriginMayRead = origins.contains("*")
        self.origins = Set(origins.filter { $0 != "*" }.map(Self.normalized))
    }

    /// The origin is listed by name, so its pages are trusted to make changes.
    func trusts(_ origin: String) -> Bool {
        origins.contains(Self.normalized(origin))
    }

    static func normalized(_ origin: String) -> String {
        var origin = origin.lowercased()
        while origin.hasSuffix("/") { origin.removeLast() }
        return origin
    }

    static let allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    static let allowedHeaders = "Authorization, Content-Type, X-API-Key, X-Registration-Token"
}

/// Adds the CORS headers, and answers preflights (`OPTIONS` with `Access-Control-Request-Method`).
struct CORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: CORSPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], !policy.origins.isEmpty || policy.anyOriginMayRead else {
            return try await next(request, context)
        }
        let trusted = policy.trusts(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard trusted || (policy.anyOriginMayRead && ["GET", "HEAD"].contains(request.headers[.accessControlRequestMethod]!)) else {
                let refusal = APIError(.forbidden, code: "cross_origin", "origin '\(origin)' is not in server.cors_origins")
                return try refusal.response(from: request, context: context)
            }
            var response = Response(status: .noContent)
            addHeaders(&response, origin: origin, trusted: trusted)
            response.headers[.accessControlAllowMethods] = CORSPolicy.allowedMethods
            response.headers[.accessControlAllowHeaders] = CORSPolicy.allowedHeaders
            response.headers[.accessControlMaxAge] = "600"
            return response
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // The page must be able to read the error too.
            response = try error.response(from: request, context: context)
        }
        addHeaders(&response, origin: origin, trusted: trusted)
        return response
    }

    private func addHeaders(_ response: inout Response, origin: String, trusted: Bool) {
        if trusted {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
        } else if policy.anyOriginMayRead {
            response.headers[.accessControlAllowOrigin] = "*"
        }
    }
}
