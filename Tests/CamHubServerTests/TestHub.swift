import CamHubCore
import CamHubPush
import CamHubAnalysis
import CamHubCapture
@testable import CamHubServer
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting

/// A hub with memory storage and no capture services: tests publish the frames themselves, like a
/// fake camera that emits N frames and then finishes.
struct TestHub {
    let hub: Hub
    let shutdown = ShutdownSwitch()

    static let adminToken = "test-admin-token"
    static let pushSecret = "test-push-secret-0123456789"

    init(
        cameraIDs: [String] = ["testpattern"], vision: (any VisionModel)? = nil,
        records: any RecordRepository = MemoryRecordRepository(), commands: any CommandRepository = MemoryCommandRepository(),
        blobs: any BlobRepository = MemoryBlobRepository(),
        configure: (inout HubConfiguration) -> Void = { _ in }
    ) async throws {
        var configuration = HubConfiguration()
        configuration.cameras = cameraIDs.map { LocalCameraSettings(id: $0, name: "Camera \($0)") }
        configure(&configuration)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-test-\(UUID().uuidString)")
        let repository = MemoryCameraRepository()
        for id in cameraIDs {
            try await repository.create(Camera(id: id, name: "Camera \(id)", kind: .local, source: "testpattern", state: .active))
        }
        hub = Hub(
            configuration: configuration,
            paths: HubPaths(dataDirectory: folder.path, configFile: nil, environment: [:]),
            frames: FrameHub(ringCapacity: 4),
            cameras: repository,
            commands: commands,
            analyses: MemoryAnalysisRepository(),
            records: records,
            blobs: blobs,
            vision: vision.map { AnalysisScheduler(model: $0, maxConcurrent: 2) },
            adminToken: AdminToken(token: Self.adminToken),
            dataKey: DataKey(key: SymmetricKey(size: .bits256)),
            pushTokens: PushTokens(secret: Self.pushSecret)
        )
    }

    func application() throws -> some ApplicationProtocol {
        try HubApplication.application(hub: hub, shutdown: shutdown)
    }

    /// Publishes a real 640x480 test-pattern JPEG into a camera's feed.
    @discardableResult
    func publishPicture(_ cameraID: String = "testpattern") throws -> Frame {
        var renderer = TestPatternRenderer(width: 640, height: 480, title: cameraID)
        let jpeg = try JPEGEncoder().encode(renderer.render(frameNumber: 1, at: Date()), quality: 80)
        return publish(cameraID, jpeg: jpeg)
    }

    /// Publishes a small JPEG-shaped frame into a camera's feed.
    @discardableResult
    func publish(_ cameraID: String = "testpattern", marker: UInt8 = 7) -> Frame {
        publish(cameraID, jpeg: [0xFF, 0xD8, marker, marker, 0xFF, 0xD9])
    }

    /// A local camera's frame goes through its capture output, as its source's would; any other
    /// camera's straight into its feed, as the ingest paths do.
    private func publish(_ cameraID: String, jpeg: [UInt8]) -> Frame {
        if let output = hub.localCameras.output(for: cameraID) {
            return output.publish(jpeg: jpeg, width: 640, height: 480)
        }
        return hub.frames.feed(for: cameraID).publish(jpeg: jpeg, width: 640, height: 480)
    }
}

extension TestResponse {
    var json: [String: Any] {
        get throws {
            try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
        }
    }

    /// The `error` object of a JSON error body.
    var errorBody: [String: Any]? {
        (try? json)?["error"] as? [String: Any]
    }
}
