import CamHubCore
import CamHubWebhooks
import Foundation
import Hummingbird

/// The webhooks and their deliveries (operator): `GET /api/webhooks` lists the configured
/// receivers (secrets never shown) with their deliveries counted by state; `GET
/// /api/webhooks/deliveries` lists the outbox, newest first.
struct WebhookController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("api/webhooks", use: list)
        routes.get("api/webhooks/deliveries", use: deliveries)
        return routes
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        var webhooks: [[String: Any]] = []
        for webhook in hub.configuration.webhooks {
            var counts: [String: Any] = [:]
            for state in WebhookDelivery.State.allCases {
                counts[state.rawValue] = try await hub.webhooks.repository.count(WebhookQuery(state: state, url: webhook.url))
            }
            webhooks.append(["url": webhook.url, "events": webhook.events, "deliveries": counts])
        }
        return JSONResponse.object(["webhooks": webhooks])
    }

    /// `state` (pending, delivered, failed), `type`, `url`, `limit` (1–500, default 50), `offset`.
    @Sendable func deliveries(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let parameters = request.uri.queryParameters
        var state: WebhookDelivery.State?
        if let text = parameters["state"].map(String.init) {
            guard let known = WebhookDelivery.State(rawValue: text) else {
                throw CamHubError.badRequest("state must be pending, delivered or failed, got '\(text)'")
            }
            state = known
        }
        let query = WebhookQuery(
            limit: try QueryParameters.integer(request, "limit", default: 50, range: 1...500),
            offset: try QueryParameters.integer(request, "offset", default: 0, range: 0...1_000_000_000),
            state: state, type: parameters["type"].map(String.init), url: parameters["url"].map(String.init)
        )
        let found = try await hub.webhooks.repository.deliveries(query)
        let total = try await hub.webhooks.repository.count(query)
        return JSONResponse.object(["deliveries": found.map(Self.json), "total_count": total])
    }

    static func json(_ delivery: WebhookDelivery) -> [String: Any] {
        [
            "id": delivery.id, "url": delivery.url, "type": delivery.type, "state": delivery.state.rawValue, "attempts": delivery.attempts,
            "created_at": JSONText.timestamp(delivery.createdAt),
            "next_attempt_at": delivery.state == .pending ? JSONText.timestamp(delivery.nextAttemptAt) : NSNull(),
            "last_status": delivery.lastStatus.map { $0 as Any } ?? NSNull(), "last_error": delivery.lastError.map { $0 as Any } ?? NSNull(),
            "delivered_at": delivery.deliveredAt.map { JSONText.timestamp($0) as Any } ?? NSNull(),
            "body": JSONText.Raw(text: delivery.body),
        ]
    }
}
