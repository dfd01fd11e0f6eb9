import Foundation
import Synchronization

/// A read-through cache in front of a camera repository.
///
/// Every frame upload and heartbeat looks its camera up; answering from memory keeps the database
/// off that path (the SQLite read, its thread hop and the JSON columns cost more than the rest of a
/// raw upload). Writes go to the backing store first and then to the cache, so the cache never
/// holds a change the store refused. It is correct while this hub is the only writer, so it is used
/// for SQLite only; PostgreSQL's registry has a cache of its own that other hubs' changes correct
/// (`PostgresCameraCache`).
public final class CachedCameraRepository: CameraRepository {
    private let backing: any CameraRepository
    private let cache = Mutex<[CameraID: Camera]>([:])

    public init(backing: any CameraRepository) {
        self.backing = backing
    }

    public func create(_ camera: Camera) async throws {
        try await backing.create(camera)
        cache.withLock { $0[camera.id] = camera }
    }

    public func upsert(_ camera: Camera) async throws {
        try await backing.upsert(camera)
        cache.withLock { $0[camera.id] = camera }
    }

    public func camera(id: CameraID) async throws -> Camera? {
        if let cached = cache.withLock({ $0[id] }) { return cached }
        guard let camera = try await backing.camera(id: id) else { return nil }
        cache.withLock { $0[id] = camera }
        return camera
    }

    public func list() async throws -> [Camera] {
        let cameras = try await backing.list()
        cache.withLock { cache in
            for camera in cameras { cache[camera.id] = camera }
        }
        return cameras
    }

    @discardableResult
    public func delete(id: CameraID) async throws -> Bool {
        let deleted = try await backing.delete(id: id)
        cache.withLock { _ = $0.removeValue(forKey: id) }
        return deleted
    }

    @discardableResult
    public func update(id: CameraID, _ change: @Sendable (inout Camera) throws -> Void) async throws -> Camera {
        do {
            let updated = try await backing.update(id: id, change)
            cache.withLock { $0[id] = updated }
            return updated
        } catch {
            cache.withLock { _ = $0.removeValue(forKey: id) }
            throw error
        }
    }
}
