import CamHubCore
import Prometheus
import Synchronization

/// Prometheus metrics for the frame hub, all prefixed `camhub_`.
///
/// The hub's own counters are the source of truth and cost nothing extra per frame; at each scrape
/// this copies them into swift-prometheus counters and gauges (counters advance by the difference
/// since the previous scrape).
final class HubMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let exported = Mutex<[String: UInt64]>([:])

    private static func name(_ metric: String, _ unit: String = "", _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "camhub", metricName: metric, unitName: unit, helpText: help)
    }

    static var framesIn: MetricNameDescriptor { name("frames_in", "total", "Frames published into the hub") }
    static var bytesIn: MetricNameDescriptor { name("frame_bytes_in", "total", "JPEG bytes published into the hub") }
    static var framesDelivered: MetricNameDescriptor { name("frames_delivered", "total", "Frames handed to viewers") }
    static var framesSkipped: MetricNameDescriptor { name("frames_skipped", "total", "Frames viewers skipped because they were still busy") }
    static var viewers: MetricNameDescriptor { name("viewers", "", "Live viewers") }
    static var fps: MetricNameDescriptor { name("camera_fps", "", "Frames per second published") }
    static var residentBytes: MetricNameDescriptor { name("process_resident", "bytes", "Resident set size of the hub process") }
    static var uptime: MetricNameDescriptor { name("uptime", "seconds", "Seconds since the hub started") }
    static var captured: MetricNameDescriptor { name("capture_frames", "total", "Frames a local camera's source delivered") }
    static var dropped: MetricNameDescriptor { name("capture_frames_dropped", "total", "Frames a local camera's source delivered that were not usable JPEGs") }
    static var connectionErrors: MetricNameDescriptor { name("capture_connection_errors", "total", "Times a local camera's source failed or ended") }
    static var connected: MetricNameDescriptor { name("capture_connected", "", "1 while a local camera's source delivers frames, else 0") }
    static var reconnectAttempts: MetricNameDescriptor { name("capture_reconnect_attempts", "", "Failed tries in a row of a local camera's source") }

    static var clusterNodes: MetricNameDescriptor { name("cluster_nodes", "", "Hubs of the site by state (alive: heartbeat within the lease)") }
    static var clusterCameras: MetricNameDescriptor { name("cluster_cameras_owned", "", "Cameras whose lease this hub holds") }
    static var motionFrames: MetricNameDescriptor { name("motion_frames_analysed", "total", "Frames motion analysis looked at") }
    static var motionEvents: MetricNameDescriptor { name("motion_events", "total", "Motion events by what happened (started, ended)") }
    static var motionStoreFailures: MetricNameDescriptor { name("motion_store_failures", "total", "Motion events that could not be stored") }
    static var clipFrames: MetricNameDescriptor { name("clip_frames_written", "total", "Frames written into event clips") }
    static var clipBytes: MetricNameDescriptor { name("clip_bytes_written", "total", "Bytes written into event clips") }
    static var clipDropped: MetricNameDescriptor { name("clip_frames_dropped", "total", "Frames left out of clips because the disk could not keep up") }
    static var clipFailures: MetricNameDescriptor { name("clip_write_failures", "total", "Clip writes the disk refused (a full disk); each stops its clip") }
    static var clipDisk: MetricNameDescriptor { name("clips_on_disk", "bytes", "Bytes the clips on this hub's disk take, at the last retention pass") }
    static var webhookDeliveries: MetricNameDescriptor { name("webhook_deliveries", "", "Webhook deliveries in the outbox by state (pending, delivered, failed)") }
    static var webhookAttempts: MetricNameDescriptor { name("webhook_attempts", "total", "Webhook POSTs this hub made, by result (delivered, failed)") }
    static var webhookGivenUp: MetricNameDescriptor { name("webhook_given_up", "total", "Webhook deliveries this hub gave up after retrying for a day") }
    static var authFailures: MetricNameDescriptor { name("auth_failures", "total", "Wrong credentials presented, by kind (token, camera_key, login, push_token, lpr_token)") }
    static var authLockouts: MetricNameDescriptor { name("auth_lockouts", "total", "Client addresses locked out for too many wrong credentials") }
    static var pushSockets: MetricNameDescriptor { name("push_sockets", "", "Seed 003 push sockets sending frames") }
    static var pushRefused: MetricNameDescriptor { name("push_refused", "total", "Push sockets closed: unknown camera, wrong token, a piece over its limit, over the partial-bytes budget") }
    static var pushRejected: MetricNameDescriptor { name("push_frames_rejected", "total", "Pushed frames dropped because they were not JPEGs") }
    static var pushOverBudget: MetricNameDescriptor { name("push_over_budget", "total", "Push sockets closed because partly received frames were over hub.max_partial_bytes") }
    static var pushPartial: MetricNameDescriptor { name("push_partial", "bytes", "Bytes push sockets hold in partly received frames") }
    static var connections: MetricNameDescriptor { name("connections", "", "Open HTTP and WebSocket connections") }
    static var connectionsCut: MetricNameDescriptor {
        name("connections_cut", "total", "Connections answered and closed before a handler saw them, by code (request_timeout, uri_too_long, headers_too_large, bad_request, too_many_connections)")
    }
    static var eventsRemoved: MetricNameDescriptor { name("events_removed", "total", "Events removed by events.retention_days") }

    /// The site's nodes as the scrape found them; nil when the database did not answer.
    struct ClusterSnapshot {
        let alive: Int
        let dead: Int
        let owned: Int
    }

    func render(_ hub: Hub, cluster: ClusterSnapshot?, webhooks: [String: Int]? = nil) -> [UInt8] {
        let now = FrameTimestamp.now()
        for stats in hub.frames.statistics(now: now) {
            let labels = [("camera", stats.cameraID)]
            advance(Self.framesIn, labels, to: stats.framesIn)
            advance(Self.bytesIn, labels, to: stats.bytesIn)
            advance(Self.framesDelivered, labels, to: stats.framesDelivered)
            advance(Self.framesSkipped, labels, to: stats.framesSkipped)
            registry.makeGauge(descriptor: Self.viewers, labels: labels).set(to: Double(stats.viewers))
            registry.makeGauge(descriptor: Self.fps, labels: labels).set(to: stats.framesPerSecond)
        }
        for camera in hub.localCameras.cameras {
            guard let capture = hub.localCameras.statistics(for: camera.id) else { continue }
            let labels = [("camera", camera.id)]
            advance(Self.captured, labels, to: capture.framesCaptured)
            advance(Self.dropped, labels, to: capture.framesDropped)
            advance(Self.connectionErrors, labels, to: capture.connectionErrors)
            registry.makeGauge(descriptor: Self.connected, labels: labels).set(to: capture.isConnected ? 1 : 0)
            registry.makeGauge(descriptor: Self.reconnectAttempts, labels: labels).set(to: Double(capture.reconnectAttempts))
        }
        if let cluster {
            registry.makeGauge(descriptor: Self.clusterNodes, labels: [("state", "alive")]).set(to: Double(cluster.alive))
            registry.makeGauge(descriptor: Self.clusterNodes, labels: [("state", "dead")]).set(to: Double(cluster.dead))
            registry.makeGauge(descriptor: Self.clusterCameras).set(to: Double(cluster.owned))
        }
        let motion = hub.motion.statistics
        advance(Self.motionFrames, [], to: UInt64(motion.framesAnalysed))
        advance(Self.motionEvents, [("state", "started")], to: UInt64(motion.eventsStarted))
        advance(Self.motionEvents, [("state", "ended")], to: UInt64(motion.eventsEnded))
        advance(Self.motionStoreFailures, [], to: UInt64(motion.storeFailures))
        if let clips = hub.motion.clips?.statistics {
            advance(Self.clipFrames, [], to: UInt64(clips.framesWritten))
            advance(Self.clipBytes, [], to: UInt64(clips.bytesWritten))
            advance(Self.clipDropped, [], to: UInt64(clips.framesDropped))
            advance(Self.clipFailures, [], to: UInt64(clips.writeFailures))
        }
        for (state, count) in webhooks ?? [:] {
            registry.makeGauge(descriptor: Self.webhookDeliveries, labels: [("state", state)]).set(to: Double(count))
        }
        let attempts = hub.webhooks.statistics
        advance(Self.webhookAttempts, [("result", "delivered")], to: UInt64(attempts.delivered))
        advance(Self.webhookAttempts, [("result", "failed")], to: UInt64(attempts.failedAttempts))
        advance(Self.webhookGivenUp, [], to: UInt64(attempts.givenUp))
        let push = hub.pushStatistics.current
        registry.makeGauge(descriptor: Self.pushSockets).set(to: Double(push.connected))
        advance(Self.pushRefused, [], to: push.refused)
        advance(Self.pushRejected, [], to: push.rejectedFrames)
        advance(Self.pushOverBudget, [], to: push.overBudget)
        registry.makeGauge(descriptor: Self.pushPartial).set(to: Double(hub.partialBytes.held))
        let failures = hub.failures.statistics
        for (kind, count) in failures.failures { advance(Self.authFailures, [("kind", kind)], to: UInt64(count)) }
        advance(Self.authLockouts, [], to: UInt64(failures.lockouts))
        let connections = hub.connections.figures
        registry.makeGauge(descriptor: Self.connections).set(to: Double(connections.open))
        for (code, count) in connections.cut { advance(Self.connectionsCut, [("code", code)], to: UInt64(count)) }
        let retention = hub.retention.statistics
        registry.makeGauge(descriptor: Self.clipDisk).set(to: Double(retention.clipBytes))
        advance(Self.eventsRemoved, [], to: UInt64(retention.eventsRemoved))
        registry.makeGauge(descriptor: Self.residentBytes).set(to: Double(SystemUsage.residentBytes()))
        registry.makeGauge(descriptor: Self.uptime).set(to: hub.uptime)
        return registry.emitToBuffer()
    }

    /// Moves a counter on by what `total` grew since the last scrape. A total that went down was
    /// reset (a camera restarted or was added again), so all of it is new.
    private func advance(_ descriptor: MetricNameDescriptor, _ labels: [(String, String)], to total: UInt64) {
        let key = descriptor.name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let delta = exported.withLock { exported -> UInt64 in
            let previous = exported[key] ?? 0
            exported[key] = total
            return total >= previous ? total - previous : total
        }
        let counter = registry.makeCounter(descriptor: descriptor, labels: labels)
        if delta > 0 { counter.increment(by: Int64(delta)) }
    }
}
