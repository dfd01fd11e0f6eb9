import CamHubCore
import Foundation
import Hummingbird
import NIOCore

/// `GET /cluster` (operator): the site's hubs, whether each is alive, and the cameras each
/// captures now. A hub alone lists itself.
///
/// `POST /cluster/frames/{id}` (another hub, with the node secret): a frame that arrived at that
/// hub for a camera this one captures, published here with the time it entered the site.
struct ClusterController {
    let hub: Hub

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("cluster", use: list)
        routes.post("cluster/frames/{id}", use: frame)
        routes.get("cluster/clips/{name}", use: clip)
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

    @Sendable func frame(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard hub.isFromNode(request) else { throw APIError.unauthorized("this call is for the site's hubs: it needs the node secret") }
        let camera = try await hub.camera(try context.parameters.require("id"))
        try hub.refuseIngestIfStopped(camera, what: "frames", logger: context.logger)
        let jpeg = Array(buffer: try await request.collectBody(limit: hub.configuration.hub.maxFrameBytes, what: "frame"))
        guard let header = JPEGHeader(jpeg) else {
            throw APIError.validation([FieldProblem(field: "body", message: "is not a JPEG (no SOI, frame header or EOI)", kind: "value_error")])
        }
        let entered = request.headers[.xTimestamp].flatMap(FrameTimestamp.init(headerValue:)) ?? .now()
        let frame = hub.frames.feed(for: camera.id).publish(jpeg: jpeg, width: header.width, height: header.height, at: entered)
        return try JSONResponse.make(FrameJSON(frame))
    }

    /// A clip this hub recorded, as its file, for another hub whose viewer asked for it.
    @Sendable func clip(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard hub.isFromNode(request) else { throw APIError.unauthorized("this call is for the site's hubs: it needs the node secret") }
        let name = try context.parameters.require("name")
        guard let bytes = hub.clipStore.contents(of: name) else { throw CamHubError.notFound("no clip '\(name)' on this hub") }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(data: bytes)))
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
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
