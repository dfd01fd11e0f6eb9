import CamHubCore
import Foundation
import HTTPTypes
import Hummingbird

/// The web app's login: the admin token in exchange for an HttpOnly, SameSite=Strict session
/// cookie. From loopback with `server.trust_loopback` on, no login is needed.
struct AuthController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("auth/session", use: session)
        routes.post("auth/login", use: login)
        routes.post("auth/logout", use: logout)
        return routes
    }

    struct SessionJSON: Encodable {
        let authenticated: Bool
        /// `loopback`, `token` or `session`; nil when not authenticated.
        let via: String?
    }

    /// Whether this browser may use the app, and how.
    @Sendable func session(_ request: Request, context: HubRequestContext) async throws -> Response {
        let credential = try await hub.access.operatorCredential(request, clientAddress: context.clientAddress)
        return try JSONResponse.make(SessionJSON(authenticated: credential != nil, via: credential?.rawValue))
    }

    /// `{"token": "<admin token>"}`: sets the session cookie, or 401.
    @Sendable func login(_ request: Request, context: HubRequestContext) async throws -> Response {
        let body = try await JSONObject.read(request, limit: 4096)
        let token = body.string("token", required: true, length: 1...256)
        try body.check()
        guard hub.access.adminToken.matches(token!) else {
            context.logger.notice("web login refused", metadata: ["client": "\(context.clientAddress ?? "-")"])
            throw APIError.unauthorized("that is not the admin token")
        }
        let id = try await hub.access.sessions.create()
        context.logger.info("web login", metadata: ["client": "\(context.clientAddress ?? "-")"])
        var response = try JSONResponse.make(SessionJSON(authenticated: true, via: "session"))
        response.headers[.setCookie] = Self.cookie(id, maxAge: Int(OperatorSessions.lifetime))
        return response
    }

    @Sendable func logout(_ request: Request, context: HubRequestContext) async throws -> Response {
        if let id = OperatorSessions.id(fromCookieHeader: request.headers[.cookie]) {
            try await hub.access.sessions.end(id)
        }
        let credential = try await hub.access.operatorCredential(request, clientAddress: context.clientAddress)
        var response = try JSONResponse.make(SessionJSON(authenticated: credential != nil, via: credential?.rawValue))
        response.headers[.setCookie] = Self.cookie("", maxAge: 0)
        return response
    }

    static func cookie(_ value: String, maxAge: Int) -> String {
        "\(OperatorSessions.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
    }
}
