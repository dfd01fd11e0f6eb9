public import CamHubCore
import Foundation

/// Something that produces JPEG frames for one camera: the test pattern, a folder of files, and
/// later devices and network streams.
public protocol FrameSource: Sendable {
    /// Publishes frames into `output` until the task is cancelled or the source fails.
    func run(into output: CaptureOutput) async throws
}

extension LocalCameraSettings {
    /// The source this camera's `source` string names.
    public func makeSource() throws -> any FrameSource {
        switch SourceKind(source) {
        case .testPattern: TestPatternSource(settings: self)
        case .folder(let path): FolderSource(path: path, fps: fps)
        case .httpMJPEG(let url): HTTPMJPEGSource(url: url)
        case .ffmpeg(let input): FFmpegSource(input: input, settings: self)
        case .v4l2(let device): V4L2Source(device: device, settings: self)
        case nil: throw CamHubError.invalid("camera '\(id)': source '\(source)' is not supported")
        }
    }
}

/// Paces a loop at a fixed rate against a monotonic clock. When the loop falls behind by more than
/// a frame it starts again from now instead of bursting to catch up.
struct FramePacer {
    private let interval: Duration
    private var deadline: ContinuousClock.Instant

    init(fps: Int) {
        interval = .microseconds(1_000_000 / max(1, fps))
        deadline = .now
    }

    mutating func wait() async throws {
        deadline += interval
        let now = ContinuousClock.now
        if deadline < now - interval {
            deadline = now
        }
        try await Task.sleep(until: deadline, clock: .continuous)
    }
}

public enum SourceAddress {
    /// A source string with any password in it replaced, for logs, errors and listings; a URL
    /// behind `ffmpeg:` included, and one that `URL(string:)` cannot parse too.
    public static func redacted(_ source: String) -> String {
        URLCredentials.redact(source)
    }
}
