import CamHubCore
import CamHubWebhooks
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
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.render(hub, cluster: await cluster(), webhooks: await webhookStates())))
        )
    }

    /// The outbox's deliveries by state (the whole site's, on a shared database); nil when the
    /// database does not answer.
    private func webhookStates() async -> [String: Int]? {
        guard !hub.configuration.webhooks.isEmpty else { return nil }
        var counts: [String: Int] = [:]
        for state in WebhookDelivery.State.allCases {
            guard let count = try? await hub.webhooks.repository.count(WebhookQuery(state: state)) else { return nil }
            counts[state.rawValue] = count
        }
        return counts
    }

    /// The site's nodes for the gauges; a database that does not answer leaves them out, and the
    /// rest of the scrape is served.
    private func cluster() async -> HubMetrics.ClusterSnapshot? {
        let repository = hub.cluster.repository
        guard let nodes = try? await repository.nodes(leaseSeconds: hub.cluster.settings.leaseSeconds),
            let leases = try? await repository.leases()
        else { return nil }
        let alive = nodes.filter(\.alive).count
        return .init(alive: alive, dead: nodes.count - alive, owned: leases.filter { $0.nodeID == hub.cluster.node.id }.count)
    }
}
