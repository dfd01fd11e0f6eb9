import Foundation

/// A camera registry held in memory, for tests and for running without a database.
public actor MemoryCameraRepository: CameraRepository {
    private var cameras: [CameraID: Camera] = [:]

    public init() {}

    public func create(_ camera: Camera) throws {
        guard cameras[camera.id] == nil else {
            throw CamHubError.conflict("camera '\(camera.id)' already exists")
        }
        cameras[camera.id] = camera
    }

    public func upsert(_ camera: Camera) {
        cameras[camera.id] = camera
    }

    public func camera(id: CameraID) -> Camera? {
        cameras[id]
    }

    public func list() -> [Camera] {
        cameras.values.sorted { $0.id < $1.id }
    }

    @discardableResult
    public func delete(id: CameraID) -> Bool {
        cameras.removeValue(forKey: id) != nil
    }

    @discardableResult
    public func update(id: CameraID, _ change: @Sendable (inout Camera) throws -> Void) throws -> Camera {
        guard var camera = cameras[id] else { throw CamHubError.notFound("camera '\(id)' not found") }
        try change(&camera)
        cameras[id] = camera
        return camera
    }
}
