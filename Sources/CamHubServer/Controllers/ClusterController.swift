import CamHubCore
import Foundation
import Hummingbird

/// `GET /cluster` (operator): the site's hubs, whether each is alive, and the cameras each
/// captures now. A hub alone lists itself.
struct ClusterController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("cluster", use: list)
        return routes
    }

    struct Listing: Encodable {
        struct Node: Encodable {
            let id: String
            let address: String
            let version: String
            let startedAt: String
            let lastSeen: String
            let alive: Bool
            let this: Bool
            let cameras: [CameraID]

            enum CodingKeys: String, CodingKey {
                case id, address, version, alive, this, cameras
                case startedAt = "started_at"
                case lastSeen = "last_seen"
            }
        }

        let node: String
        let leaseSeconds: Int
        let nodes: [Node]

        enum CodingKeys: String, CodingKey {
            case node, nodes
            case leaseSeconds = "lease_seconds"
        }
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try hub.access.requireOperator(request, context: context)
        let lease = hub.cluster.settings.leaseSeconds
        let nodes = try await hub.cluster.repository.nodes(leaseSeconds: lease)
        let leases = Dictionary(grouping: try await hub.cluster.repository.leases(), by: \.nodeID)
        return try JSONResponse.make(
            Listing(
                node: hub.cluster.node.id, leaseSeconds: lease,
                nodes: nodes.map { node in
                    Listing.Node(
                        id: node.id, address: node.address, version: node.version, startedAt: JSONText.timestamp(node.startedAt), lastSeen: JSONText.timestamp(node.lastSeen),
                        alive: node.alive, this: node.id == hub.cluster.node.id, cameras: (leases[node.id] ?? []).map(\.cameraID)
                    )
                }
            )
        )
    }
}
