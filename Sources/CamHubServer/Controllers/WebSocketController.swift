import CamHubCore
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The WebSocket routes: the seed 003 push ingest and its viewers' socket, the browser frame delivery, and Socket.IO's
/// WebSocket transport (served by `SocketIOController`).
///
/// An upgrade request is first matched against `upgrades`. A plain GET to the same path (or an
/// upgrade that is refused, such as for an unknown camera) reaches `endpoints` instead, which
/// answers with a JSON error.
struct WebSocketController {
    let hub: Hub

    var upgrades: RouteCollection<HubWebSocketContext> {
        let routes = RouteCollection(context: HubWebSocketContext.self)
        let hub = self.hub
        routes.ws("video-input-stream") { inbound, outbound, context in
            await hub.prepare(context)
            try await PushIngest(hub: hub).handle(inbound, outbound, context)
        }
        routes.ws("video-output-stream") { inbound, outbound, context in
            await hub.prepare(context)
            try await VideoOutputStream.serve(inbound, outbound, hub: hub, logger: context.logger)
        }
        routes.ws("cameras/{id}/ws") { request, context in
            guard let id = context.parameters.get("id"), let camera = try await hub.cameras.camera(id: id), !camera.isStopped else { return .dontUpgrade }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            await hub.prepare(context)
            let id = context.requestContext.parameters.get("id") ?? ""
            try await WebSocketFrames.send(hub.liveFeed(for: id), inbound: inbound, outbound: outbound)
        }
        routes.ws("ws/live") { request, context in
            // The web app's socket: the operator only (loopback trust, the session cookie, or the token).
            try await hub.access.isOperator(request, context: context) ? .upgrade([:]) : .dontUpgrade
        } onUpgrade: { inbound, outbound, context in
            await hub.prepare(context)
            try await LiveSocket.serve(inbound, outbound, hub: hub)
        }
        routes.ws("socket.io") { request, _ in
            await SocketIOController.shouldUpgrade(request, hub: hub)
        } onUpgrade: { inbound, outbound, context in
            await hub.prepare(context)
            try await SocketIOController.serveWebSocket(inbound, outbound, context: context, hub: hub)
        }
        return routes
    }

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("video-input-stream", use: needsUpgrade)
        routes.get("video-output-stream", use: needsUpgrade)
        routes.get("cameras/{id}/ws", use: cameraNeedsUpgrade)
        routes.get("ws/live", use: liveNeedsUpgrade)
        return routes
    }

    @Sendable func needsUpgrade(_ request: Request, context: HubRequestContext) async throws -> Response {
        throw APIError(.upgradeRequired, code: "upgrade_required", "this path speaks WebSocket; connect with a WebSocket client")
    }

    @Sendable func liveNeedsUpgrade(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard try await hub.access.isOperator(request, context: context) else {
            throw APIError.unauthorized("the live socket is for the logged-in operator")
        }
        return try await needsUpgrade(request, context: context)
    }

    @Sendable func cameraNeedsUpgrade(_ request: Request, context: HubRequestContext) async throws -> Response {
        _ = try await hub.camera(try context.parameters.require("id"))
        return try await needsUpgrade(request, context: context)
    }
}

extension Hub {
    /// Sets an upgraded socket up (`UpgradedWebSocket`), with this hub's ping period.
    func prepare(_ context: WebSocketRouterContext<HubWebSocketContext>) async {
        let period = TimeAmount.seconds(Int64(configuration.server.webSocketPingSeconds))
        await UpgradedWebSocket.prepare(context.requestContext.channel, pingPeriod: period, logger: context.logger)
    }
}
