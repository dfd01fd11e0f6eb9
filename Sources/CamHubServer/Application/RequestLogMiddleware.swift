import CamHubCore
import Hummingbird
import Logging

/// Says who was refused and why: every 401, 403 and 429 is logged at notice with the client's
/// address and the reason (never the secret that was presented). With `logging.access` on, every
/// request is logged at info too, with its status and duration.
///
/// It sits outside `JSONErrorMiddleware`, so it sees every failure as the `APIError` the client
/// gets.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let hub: Hub

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            access(request, context, status: response.status.code, since: started)
            return response
        } catch let error as APIError {
            if [401, 403, 429].contains(error.status.code) {
                context.logger.notice(
                    "request refused",
                    metadata: [
                        "client": "\(context.clientAddress ?? "-")", "method": "\(request.method)", "path": "\(request.uri.path)",
                        "status": "\(error.status.code)", "reason": "\(error.message)",
                    ]
                )
            }
            access(request, context, status: error.status.code, since: started)
            throw error
        }
    }

    private func access(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        guard hub.configuration.logging.access else { return }
        let milliseconds = (ContinuousClock.now - started).inSeconds * 1000
        context.logger.info(
            "request",
            metadata: [
                "client": "\(context.clientAddress ?? "-")", "method": "\(request.method)", "path": "\(request.uri.path)",
                "status": "\(status)", "ms": "\((milliseconds * 10).rounded() / 10)",
            ]
        )
    }
}
