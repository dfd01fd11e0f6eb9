import CamHubCapture
import CamHubCore
import CamHubMotion
import Foundation

/// `motion-bench FOLDER [FRAMES]`: the CPU cost of motion analysis per frame, on a folder of JPEGs
/// (the reference 640x480 frames of ../shared/bench/make_frames.py), cycled in order so every frame
/// differs from the one before. It decodes each frame's luminance at 1/8 and runs the detector, as
/// the hub does, on one thread, and prints one JSON line: CPU microseconds per frame for the decode,
/// the detection and both, and what 100 cameras at 5 analysed frames a second would take of a core.
@main
struct MotionBench {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: motion-bench FOLDER [FRAMES]\n".utf8))
            exit(64)
        }
        let folder = URL(fileURLWithPath: arguments[1])
        let count = arguments.count > 2 ? Int(arguments[2]) ?? 3000 : 3000
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jpg") }.sorted()
        let frames = try names.map { [UInt8](try Data(contentsOf: folder.appendingPathComponent($0))) }
        guard !frames.isEmpty else { throw CocoaError(.fileNoSuchFile) }

        let decoder = LumaDecoder()
        var settings = MotionSettings()
        settings.zones = [MotionZone(name: "half", polygon: MotionPolygon([(0, 0.5), (1, 0.5), (1, 1), (0, 1)]))]
        var detector = MotionDetector(settings: settings)
        var planes: [LumaPlane] = []
        planes.reserveCapacity(frames.count)

        // Warm-up, and the planes the detection-only pass reuses.
        for frame in frames { planes.append(try decoder.decode(frame)) }
        let decodeStart = cpuSeconds()
        for index in 0..<count { _ = try decoder.decode(frames[index % frames.count]) }
        let decodeSeconds = cpuSeconds() - decodeStart
        var boxes = 0
        let detectStart = cpuSeconds()
        for index in 0..<count { boxes += detector.analyse(planes[index % planes.count]).boxes.count }
        let detectSeconds = cpuSeconds() - detectStart
        let perFrame = (decodeSeconds + detectSeconds) / Double(count)
        let line: [String: Any] = [
            "frames": count, "source": "\(frames.count) JPEGs, the first of \(frames[0].count) bytes",
            "plane": "\(planes[0].width)x\(planes[0].height)",
            "decode_us": decodeSeconds / Double(count) * 1e6, "detect_us": detectSeconds / Double(count) * 1e6,
            "total_us": perFrame * 1e6, "boxes_per_frame": Double(boxes) / Double(count),
            "core_share_100_cameras_5_fps": perFrame * 500,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
