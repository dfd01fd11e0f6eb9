import CamHubCore
import HTTPTypes
import Hummingbird
import NIOCore

/// Who may call what (PRODUCT.md, security stance).
///
/// - A camera proves itself with its own key: in the body (`api_key`, as seed 000 sends it), the
///   `api_key` query, `X-API-Key`, or `Authorization: Bearer`.
/// - An operator uses the admin token as a bearer token, or the session cookie the web app's login
///   sets, or is trusted when the request comes from loopback and `server.trust_loopback` is on,
///   and its `Host` names this machine (so a rebound DNS name or a local proxy gets no trust).
struct Access: Sendable {
    let trustLoopback: Bool
    let adminToken: AdminToken
    let sessions: OperatorSessions

    /// The key a request presents, wherever it put it.
    static func presentedKey(_ request: Request, body: JSONObject? = nil) -> String? {
        if let key = body?.string("api_key"), !key.isEmpty { return key }
        if let key = request.uri.queryParameters["api_key"].map(String.init), !key.isEmpty { return key }
        if let key = request.headers[.xAPIKey], !key.isEmpty { return key }
        return bearerToken(request)
    }

    static func bearerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], value.prefix(7).lowercased() == "bearer " else { return nil }
        let token = value.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// True for a client at 127.0.0.0/8 or ::1.
    static func isLoopback(_ address: String?) -> Bool {
        guard let ip = address else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// An operator: trusted loopback, the admin token, or a logged-in browser session. The client
    /// is the one a trusted proxy forwards for, so a remote client behind a proxy on loopback is
    /// not trusted as loopback.
    func isOperator(_ request: Request, context: some OriginRequestContext) async throws -> Bool {
        try await operatorCredential(request, clientAddress: context.origin.clientAddress) != nil
    }

    /// How a request proves it is the operator, or nil.
    enum Credential: String {
        case loopback, token, session
    }

    func operatorCredential(_ request: Request, clientAddress: String?) async throws -> Credential? {
        if trustLoopback, Self.isLoopback(clientAddress), request.head.authority.map({ HostNames.isLoopbackName(HostNames.hostname(ofAuthority: $0)) }) ?? true {
            return .loopback
        }
        if let token = Self.bearerToken(request), adminToken.matches(token) { return .token }
        if let session = OperatorSessions.id(fromCookieHeader: request.headers[.cookie]), try await sessions.isValid(session) { return .session }
        return nil
    }

    /// An operator call: 401 otherwise.
    func requireOperator(_ request: Request, context: HubRequestContext) async throws {
        guard try await isOperator(request, context: context) else {
            throw APIError.unauthorized("this call needs the admin token")
        }
    }

    /// A call only the camera itself makes (heartbeat, upload): its key is required.
    /// Seed 000's message for an unknown camera or a wrong key alike, so a caller learns nothing
    /// about which ids exist.
    static let invalidCredentials = "Invalid camera credentials"

    func requireCamera(_ camera: Camera, key: String?) throws {
        guard let key else { throw APIError.unauthorized("this call needs the camera's api_key") }
        guard let hash = camera.keyHash, CameraKeys.matches(key, storedHash: hash) else {
            throw APIError.unauthorized(Self.invalidCredentials)
        }
    }

    /// A read as open as the listing: a key, when given, must be the camera's (or the admin token).
    func refuseWrongKey(_ camera: Camera, key: String?) throws {
        guard let key else { return }
        if let hash = camera.keyHash, CameraKeys.matches(key, storedHash: hash) { return }
        if adminToken.matches(key) { return }
        throw APIError.unauthorized(Self.invalidCredentials)
    }

    /// A management call on camera `id`: the camera's own key, or the operator. The credentials
    /// are checked before the id is looked up, so a caller that is neither learns nothing about
    /// which ids exist (401 for an unknown id as for a wrong key); the operator hears 404.
    func managedCamera(
        _ id: CameraID, request: Request, context: HubRequestContext, lookup: (CameraID) async throws -> Camera
    ) async throws -> Camera {
        guard let key = Self.presentedKey(request) else {
            guard try await isOperator(request, context: context) else {
                throw APIError.unauthorized("this call needs the camera's api_key or the admin token")
            }
            return try await lookup(id)
        }
        if adminToken.matches(key) { return try await lookup(id) }
        let camera: Camera
        do {
            camera = try await lookup(id)
        } catch let error as CamHubError where error.code == .notFound {
            throw APIError.unauthorized(Self.invalidCredentials)
        }
        try requireCamera(camera, key: key)
        return camera
    }
}
