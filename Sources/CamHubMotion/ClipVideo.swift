public import CamHubCore
import CamHubCapture
public import Foundation

/// A clip as an MP4 file (H.264), made on demand by ffmpeg from the clip's JPEGs at the clip's
/// average frame rate. The JPEGs go to ffmpeg through a pipe; the MP4 is written to a temporary
/// file beside the clips and read back, because an MP4 that players can seek needs its index at
/// the front (`+faststart`), which a pipe cannot give.
public enum ClipVideo {
    public static var ffmpegInstalled: Bool { FileManager.default.isExecutableFile(atPath: FFmpegSource.executable) }

    public static let missingFFmpeg =
        "ffmpeg is not installed on this hub, so clips cannot be made into MP4 (install Debian's ffmpeg); clip.mjpeg plays them without it"

    /// The frame rate that plays `frames` in the time they took.
    public static func frameRate(of frames: [ClipFile.Frame]) -> Double {
        guard let first = frames.first, let last = frames.last, frames.count > 1 else { return 1 }
        let seconds = Double(last.timestamp.microseconds - first.timestamp.microseconds) / 1_000_000
        guard seconds > 0 else { return 1 }
        return min(120, max(0.5, Double(frames.count - 1) / seconds))
    }

    /// The MP4 of `frames`. Throws `unavailable` without ffmpeg, and the end of ffmpeg's own
    /// message when it fails.
    public static func mp4(_ frames: [ClipFile.Frame], scratch: URL) async throws -> Data {
        guard ffmpegInstalled else { throw CamHubError.unavailable(missingFFmpeg) }
        guard !frames.isEmpty else { throw CamHubError.notFound("the clip has no frames") }
        try PrivateFile.createDirectory(at: scratch)
        let output = scratch.appendingPathComponent(".\(UUID().uuidString).mp4")
        defer { unlink(output.path) }
        let rate = String(format: "%.3f", frameRate(of: frames))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FFmpegSource.executable)
        process.arguments = [
            "-hide_banner", "-loglevel", "error", "-f", "mjpeg", "-framerate", rate, "-i", "pipe:0",
            "-an", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            // H.264 in 4:2:0 needs even sizes.
            "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-movflags", "+faststart", "-f", "mp4", output.path,
        ]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    try process.run()
                    // ffmpeg reads as it encodes; its messages are few, so its error pipe never fills.
                    for frame in frames { try? input.fileHandleForWriting.write(contentsOf: frame.jpeg) }
                    try? input.fileHandleForWriting.close()
                    process.waitUntilExit()
                    continuation.resume(returning: process.terminationStatus)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        guard status == 0, let data = FileManager.default.contents(atPath: output.path), !data.isEmpty else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().suffix(300), as: UTF8.self)
            throw CamHubError.unavailable("ffmpeg could not make the MP4 (exit \(status)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return data
    }
}
