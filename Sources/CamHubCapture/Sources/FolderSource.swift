import CamHubCore
import Foundation

/// Replays the JPEG files of a folder (sorted by name) in a loop at a fixed fps, passing the
/// bytes through untouched. Used for demos and for benchmarks with known frames.
public struct FolderSource: FrameSource {
    public static let maxFiles = 10_000
    public static let maxTotalBytes = 512 * 1024 * 1024

    public let path: String
    public let fps: Int

    public init(path: String, fps: Int) {
        self.path = path
        self.fps = fps
    }

    public func run(into output: CaptureOutput) async throws {
        let frames = try loadFrames()
        var pacer = FramePacer(fps: fps)
        var index = 0
        while !Task.isCancelled {
            let (jpeg, header) = frames[index]
            output.publish(jpeg: jpeg, width: header.width, height: header.height)
            index = (index + 1) % frames.count
            try await pacer.wait()
        }
    }

    func loadFrames() throws -> [([UInt8], JPEGHeader)] {
        let folder = URL(fileURLWithPath: path)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw CamHubError.unavailable("cannot read folder \(path): \(error.localizedDescription)")
        }
        var frames: [([UInt8], JPEGHeader)] = []
        var total = 0
        for name in names.sorted() where name.lowercased().hasSuffix(".jpg") || name.lowercased().hasSuffix(".jpeg") {
            guard frames.count < Self.maxFiles else { break }
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
            total += bytes.count
            guard total <= Self.maxTotalBytes else {
                throw CamHubError.invalid("folder \(path) holds more than \(Self.maxTotalBytes) bytes of JPEGs")
            }
            guard let header = JPEGHeader(bytes) else { continue }
            frames.append((bytes, header))
        }
        guard !frames.isEmpty else { throw CamHubError.unavailable("folder \(path) has no readable JPEG files") }
        return frames
    }
}
