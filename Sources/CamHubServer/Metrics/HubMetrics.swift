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

    func render(_ hub: Hub) -> [UInt8] {
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
        registry.makeGauge(descriptor: Self.residentBytes).set(to: Double(SystemUsage.residentBytes()))
        registry.makeGauge(descriptor: Self.uptime).set(to: hub.uptime)
        return registry.emitToBuffer()
    }

    private func advance(_ descriptor: MetricNameDescriptor, _ labels: [(String, String)], to total: UInt64) {
        let key = descriptor.name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let delta = exported.withLock { exported -> UInt64 in
            let previous = exported[key] ?? 0
            exported[key] = max(previous, total)
            return total > previous ? total - previous : 0
        }
        let counter = registry.makeCounter(descriptor: descriptor, labels: labels)
        if delta > 0 { counter.increment(by: Int64(delta)) }
    }
}
