import CamHubCore
public import Hummingbird
import NIOHTTP1
import Logging

/// Turns every error a handler throws into a JSON error response, so no route ever answers with
/// an empty body or a stack trace, and unknown paths get the same JSON 404.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes' methods, for 405 rather than 404 when only the method is wrong.
    let methods: RouteMethods?

    public init() {
        methods = nil
    }

    init(methods: RouteMethods?) {
        self.methods = methods
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let failure as ValidationFailure {
            throw APIError.validation(failure.problems)
        } catch where OutOfSpace.matches(error) {
            // Expected while the disk is full; the request changed nothing and the hub goes on.
            context.logger.warning("request refused: the disk is full", metadata: ["path": "\(request.uri.path)"])
            throw APIError(error as? CamHubError ?? .insufficientStorage(OutOfSpace.message))
        } catch where DiskFault.matches(error) {
            context.logger.error("request failed: the disk reported an I/O error", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(CamHubError(.diskError, DiskFault.message))
        } catch let error as CamHubError {
            if error.code == .storage || APIError(error).status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(error)"])
            }
            throw APIError(error)
        } catch let error as HTTPError {
            // No route: when the path has routes for other methods, 405 naming them.
            if error.status == .notFound, ![.head, .options].contains(request.method),
                let allowed = methods?.allowed(for: request.uri.path), !allowed.isEmpty, !allowed.contains(request.method.rawValue)
            {
                throw MethodNotAllowed(method: request.method.rawValue, path: request.uri.path, allowed: allowed)
            }
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            let message = error.body ?? (error.status == .notFound ? "no route for \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            throw APIError(error.status, code: code, message)
        } catch let error as HTTPParserError {
            // The client's request broke off (it went away, or the connection guard cut a body
            // that was arriving too slowly) or did not parse: its doing, not the hub's.
            context.logger.debug("a request's bytes broke off", metadata: ["error": "\(error)"])
            throw APIError(.badRequest, code: "bad_request", "the request is malformed or ended early: \(error)")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, code: "internal", "internal error")
        }
    }
}
