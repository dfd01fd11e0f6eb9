import Foundation
import Synchronization

/// Host and process figures read from /proc, for `/health` and the benchmarks.
public final class SystemUsage: Sendable {
    private struct CPUSample {
        var busy: UInt64
        var total: UInt64
    }

    private struct Window {
        var start: CPUSample?
        var startedAt: ContinuousClock.Instant?
        var lastPercent: Double?
    }

    private let window = Mutex(Window())
    /// Readers within this time of the last measurement share its figure, so `/health`,
    /// `/hub/stats` and the CPU policy polled together do not shorten each other's windows.
    public let minimumWindow: Duration

    public init(minimumWindow: Duration = .seconds(1)) {
        self.minimumWindow = minimumWindow
    }

    /// Host CPU use in percent over the window since the previous measurement (since boot for the
    /// first), or that measurement's figure when it is younger than `minimumWindow`.
    public func cpuPercent(now: ContinuousClock.Instant = .now) -> Double {
        window.withLock { window in
            if let lastPercent = window.lastPercent, let startedAt = window.startedAt, now - startedAt < minimumWindow {
                return lastPercent
            }
            guard let sample = Self.readCPU() else { return window.lastPercent ?? 0 }
            let busy = sample.busy - (window.start?.busy ?? 0)
            let total = sample.total - (window.start?.total ?? 0)
            let percent = total > 0 ? (Double(busy) / Double(total) * 1000).rounded() / 10 : (window.lastPercent ?? 0)
            window = Window(start: sample, startedAt: now, lastPercent: percent)
            return percent
        }
    }

    /// Host memory in use, in percent: (MemTotal - MemAvailable) / MemTotal.
    public static func memoryPercent() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return 0 }
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let value = Double(parts[1]) {
                values[String(parts[0].dropLast())] = value
            }
        }
        guard let total = values["MemTotal"], let available = values["MemAvailable"], total > 0 else { return 0 }
        return ((total - available) / total * 1000).rounded() / 10
    }

    /// The first thermal zone's temperature in °C (`/sys/class/thermal/thermal_zone*/temp`, in
    /// millidegrees), as seed 000 reports a Raspberry Pi's; nil where the machine has none.
    public static func temperatureCelsius(thermalFolder: String = "/sys/class/thermal") -> Double? {
        guard let zones = try? FileManager.default.contentsOfDirectory(atPath: thermalFolder) else { return nil }
        for zone in zones.filter({ $0.hasPrefix("thermal_zone") }).sorted() {
            if let text = try? String(contentsOfFile: "\(thermalFolder)/\(zone)/temp", encoding: .utf8),
                let millidegrees = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return (millidegrees / 100).rounded() / 10
            }
        }
        return nil
    }

    /// This process's resident set size in bytes.
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
        return (kilobytes ?? 0) * 1024
    }

    private static func readCPU() -> CPUSample? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard fields.count >= 4 else { return nil }
        let idle = fields[3] + (fields.count > 4 ? fields[4] : 0)
        let total = fields.reduce(0, +)
        return CPUSample(busy: total - idle, total: total)
    }
}
