import CamHubCore
import Foundation
import Hummingbird
import Logging

/// Wrong credentials over HTTP, counted per client (`FailureLimiter`): a request that presented a
/// credential (an `Authorization` header, an `X-API-Key` or `api_key`, a login)
/// and was answered 401 counts one; an address past `security.max_failures` gets 429
/// `too_many_failures` with `Retry-After` for every request that presents one, right or wrong,
/// until the window lets it try again. Requests that present nothing are never held.
struct FailureLimitMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let limiter: FailureLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let kind = Self.credentialKind(request) else { return try await next(request, context) }
        let client = context.origin.clientAddress
        if let seconds = limiter.retryAfter(client) {
            var response = try APIError(
                .tooManyRequests, code: "too_many_failures",
                "too many wrong credentials from this address; try again in \(seconds) s"
            ).response(from: request, context: context)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        do {
            let response = try await next(request, context)
            if response.status == .unauthorized { failed(client, kind, context) }
            return response
        } catch let error as any HTTPResponseError where error.status == .unauthorized {
            // Refusals travel as errors up to where Hummingbird writes them.
            failed(client, kind, context)
            throw error
        }
    }

    private func failed(_ client: String?, _ kind: String, _ context: Context) {
        if limiter.recordFailure(client, kind: kind) {
            context.logger.warning("a client is locked out after too many wrong credentials", metadata: ["client": "\(client ?? "-")", "kind": "\(kind)"])
        }
    }

    /// What the request presents to prove itself, or nil for nothing.
    static func credentialKind(_ request: Request) -> String? {
        if request.uri.path == "/auth/login" { return "login" }
        if request.headers[.authorization] != nil { return "token" }
        if request.headers[.xAPIKey] != nil || request.uri.queryParameters["api_key"] != nil { return "camera_key" }
        // A session cookie is not counted: its 256-bit id cannot be guessed, and an open page
        // whose session expired would otherwise lock its operator out before the login.
        return nil
    }
}
