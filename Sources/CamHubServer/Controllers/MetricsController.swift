import Hummingbird
import NIOCore

/// `GET /metrics` in the Prometheus text format.
struct MetricsController {
    let hub: Hub
    let metrics = HubMetrics()

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("metrics", use: scrape)
        return routes
    }

    @Sendable func scrape(_ request: Request, context: HubRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.render(hub)))
        )
    }
}
