public import CamHubCore
import Foundation

/// The built-in camera: a moving test picture encoded with libjpeg-turbo at the camera's fps.
public struct TestPatternSource: FrameSource {
    public let settings: LocalCameraSettings

    public init(settings: LocalCameraSettings) {
        self.settings = settings
    }

    public func run(into output: CaptureOutput) async throws {
        var renderer = TestPatternRenderer(width: settings.width, height: settings.height, title: settings.name)
        let encoder = JPEGEncoder()
        var pacer = FramePacer(fps: settings.fps)
        var number: UInt64 = 0
        while !Task.isCancelled {
            number += 1
            let picture = renderer.render(frameNumber: number, at: Date())
            let jpeg = try encoder.encode(picture, quality: settings.jpegQuality)
            output.publish(jpeg: jpeg, width: settings.width, height: settings.height)
            try await pacer.wait()
        }
    }
}
