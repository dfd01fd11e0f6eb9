import CamHubCore
import Foundation
import Testing

@Suite("System usage from /proc")
struct SystemUsageTests {
    @Test func readersWithinTheWindowShareOneMeasurement() {
        let usage = SystemUsage(minimumWindow: .seconds(1))
        let start = ContinuousClock.now
        let first = usage.cpuPercent(now: start)
        #expect((0...100).contains(first))
        // Burn some CPU so a new window would very likely read differently; within the window the
        // figure must not move, and must not restart the window.
        var spin = 0.0
        for index in 0..<2_000_000 { spin += Double(index).squareRoot() }
        #expect(spin > 0)
        #expect(usage.cpuPercent(now: start + .milliseconds(500)) == first)
        #expect(usage.cpuPercent(now: start + .milliseconds(900)) == first)
        // Past the window a new measurement is taken (over the time since `start`).
        let later = usage.cpuPercent(now: start + .seconds(2))
        #expect((0...100).contains(later))
    }

    @Test func memoryAndResidentSizeAreRead() {
        #expect((0...100).contains(SystemUsage.memoryPercent()))
        #expect(SystemUsage.memoryPercent() > 0)
        #expect(SystemUsage.residentBytes() > 1_000_000)
    }

    @Test func theTemperatureIsTheFirstThermalZonesOrNil() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-thermal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(SystemUsage.temperatureCelsius(thermalFolder: folder.path) == nil)
        for (zone, value) in [("thermal_zone1", "61000\n"), ("thermal_zone0", "48312\n"), ("cooling_device0", "1\n")] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(zone), withIntermediateDirectories: true)
            try Data(value.utf8).write(to: folder.appendingPathComponent(zone).appendingPathComponent("temp"))
        }
        #expect(SystemUsage.temperatureCelsius(thermalFolder: folder.path) == 48.3)
    }
}
