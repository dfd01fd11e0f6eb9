import CamHubCore
import Foundation
import HummingbirdWebSocket
import NIOCore
import ServiceLifecycle
import Synchronization

/// `/ws/live`: every camera the web page shows, over one WebSocket, plus the hub's live events.
///
/// A browser opens at most six HTTP/1.1 connections per host, so a grid of MJPEG `<img>`s stalls
/// past six cameras; this socket carries them all.
///
/// - The page sends the cameras it can see, as text:
///   `{"cameras": [{"id": "cam1", "width": 480, "fps": 10}, ...]}`. Each message replaces the
///   last. `width` (optional, with an optional `height`; otherwise the camera's aspect) asks for a
///   smaller frame, never a larger one; `fps` (1–30, default 10) caps the rate.
/// - The hub sends each camera's frames as binary messages, `[u8 id length][id][JPEG]`,
///   newest-only per camera: a camera whose last frame is still being written skips to the newest.
///   Nothing queues on the server beyond one frame per camera.
/// - Events arrive as text: `{"type": "detection", "data": {...}}`.
enum LiveSocket {
    static let maxCameras = 64
    static let maxMessageBytes = 64 * 1024

    struct Wanted: Equatable, Sendable {
        /// The width to scale to (the height follows the camera's aspect), or both; nil for the
        /// camera's own size. Frames are never scaled up.
        var width: Int?
        var height: Int?
        var fps: Int

        func size(of frame: Frame) -> FrameSize? {
            guard let width, width < frame.width else { return nil }
            let height = self.height ?? max(16, (width * frame.height / frame.width) & ~1)
            return FrameSize(width: width, height: height)
        }
    }

    static func serve(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, hub: Hub) async throws {
        let streams = Streams()
        // At shutdown everything here is cancelled, the waiting read included, so a page whose
        // socket has stopped reading cannot hold the hub open.
        try await cancelWhenGracefulShutdown {
            try await serve(inbound, outbound, hub: hub, streams: streams)
        }
    }

    private static func serve(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, hub: Hub, streams: Streams
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in hub.liveEvents.subscribe() {
                    try await outbound.write(.text(event))
                }
            }
            for try await message in inbound.messages(maxSize: maxMessageBytes) {
                guard case .text(let text) = message, let wanted = parse(text) else {
                    try await outbound.write(.text(#"{"type":"error","data":{"message":"expected {\"cameras\": [{\"id\": ..., \"width\": ..., \"height\": ..., \"fps\": ...}]}"}}"#))
                    continue
                }
                for (id, subscription) in streams.update(wanted) {
                    group.addTask {
                        try await stream(id, subscription: subscription, hub: hub, outbound: outbound)
                    }
                }
            }
            // The page went away: stop the camera streams and the events.
            streams.stopAll()
            group.cancelAll()
        }
    }

    /// The cameras a subscription message asks for; nil when it is not one.
    static func parse(_ text: String) -> [CameraID: Wanted]? {
        guard let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let list = object["cameras"] as? [Any], list.count <= maxCameras
        else { return nil }
        var wanted: [CameraID: Wanted] = [:]
        for case let entry as [String: Any] in list {
            guard let id = entry["id"] as? String, CameraIDRules.isValid(id) else { return nil }
            func dimension(_ key: String) -> Int? {
                guard let value = (entry[key] as? NSNumber)?.intValue, (16...7680).contains(value) else { return nil }
                return value
            }
            let width = dimension("width")
            let height = dimension("height")
            let fps = min(30, max(1, (entry["fps"] as? NSNumber)?.intValue ?? 10))
            wanted[id] = Wanted(width: width, height: width == nil ? nil : height, fps: fps)
        }
        return wanted
    }

    /// One camera to one page: the newest frame, at the asked size, no faster than asked.
    private static func stream(
        _ id: CameraID, subscription: Subscription, hub: Hub, outbound: WebSocketOutboundWriter
    ) async throws {
        guard let feed = try? await hub.liveFeed(for: id) else { return }
        try await feed.withViewer { viewer in
            guard subscription.attach(viewer) else { return }
            while let frame = await viewer.next() {
                let wanted = subscription.wanted
                let started = ContinuousClock.now
                if let message = Self.message(frame, size: wanted.size(of: frame)) {
                    try await outbound.write(.binary(message))
                }
                let interval = Duration.seconds(1) / wanted.fps
                let elapsed = ContinuousClock.now - started
                if elapsed < interval { try await Task.sleep(for: interval - elapsed) }
            }
        }
    }

    private struct MessageKey: Hashable, Sendable {
        let size: FrameSize?
    }

    /// `[u8 id length][id][JPEG]` for a frame at a size, built once per frame and size and shared
    /// by every page that shows it. Nil when the frame cannot be scaled.
    static func message(_ frame: Frame, size: FrameSize?) -> ByteBuffer? {
        frame.derived(MessageKey(size: size)) { frame -> ByteBuffer? in
            guard let jpeg = ScaledFrame.jpeg(frame, size: size) else { return nil }
            var message = ByteBuffer()
            message.reserveCapacity(1 + frame.cameraID.utf8.count + jpeg.count)
            message.writeInteger(UInt8(frame.cameraID.utf8.count))
            message.writeString(frame.cameraID)
            message.writeBytes(jpeg)
            return message
        }
    }

    /// One camera's stream to one page: what the page wants, and the viewer to close when it
    /// no longer wants the camera.
    final class Subscription: Sendable {
        private struct State {
            var wanted: Wanted
            var viewer: FrameViewer?
            var stopped = false
        }

        private let state: Mutex<State>

        init(_ wanted: Wanted) {
            state = Mutex(State(wanted: wanted))
        }

        var wanted: Wanted {
            get { state.withLock { $0.wanted } }
            set { state.withLock { $0.wanted = newValue } }
        }

        /// Remembers the stream's viewer; false when the page dropped the camera meanwhile.
        func attach(_ viewer: FrameViewer) -> Bool {
            state.withLock { state in
                guard !state.stopped else { return false }
                state.viewer = viewer
                return true
            }
        }

        func stop() {
            state.withLock { state -> FrameViewer? in
                state.stopped = true
                return state.viewer
            }?.close()
        }
    }

    /// The camera streams of one page.
    final class Streams: Sendable {
        private let subscriptions = Mutex<[CameraID: Subscription]>([:])

        /// Applies a new subscription message; returns the streams to start.
        func update(_ wanted: [CameraID: Wanted]) -> [(CameraID, Subscription)] {
            let (started, stopped) = subscriptions.withLock { subscriptions -> ([(CameraID, Subscription)], [Subscription]) in
                var stopped: [Subscription] = []
                for (id, subscription) in subscriptions where wanted[id] == nil {
                    stopped.append(subscription)
                    subscriptions[id] = nil
                }
                var started: [(CameraID, Subscription)] = []
                for (id, settings) in wanted {
                    if let subscription = subscriptions[id] {
                        subscription.wanted = settings
                    } else {
                        let subscription = Subscription(settings)
                        subscriptions[id] = subscription
                        started.append((id, subscription))
                    }
                }
                return (started, stopped)
            }
            for subscription in stopped { subscription.stop() }
            return started
        }

        func stopAll() {
            for subscription in subscriptions.withLock({ subscriptions in defer { subscriptions = [:] }; return Array(subscriptions.values) }) {
                subscription.stop()
            }
        }
    }
}
