import Foundation

/// The camera registry's storage. Every backend (memory, SQLite, and later PostgreSQL) passes the
/// same contract tests.
public protocol CameraRepository: Sendable {
    /// Adds a new camera. Throws `CamHubError.conflict` when the id is taken.
    func create(_ camera: Camera) async throws
    /// Adds the camera or replaces the one with the same id.
    func upsert(_ camera: Camera) async throws
    func camera(id: CameraID) async throws -> Camera?
    /// Every camera, ordered by id.
    func list() async throws -> [Camera]
    /// Returns false when there was no such camera.
    @discardableResult func delete(id: CameraID) async throws -> Bool
    /// Reads, changes and writes one camera atomically, returning the result. Throws
    /// `CamHubError.notFound` for an unknown id; an error thrown by `change` leaves it untouched.
    @discardableResult
    func update(id: CameraID, _ change: @Sendable (inout Camera) throws -> Void) async throws -> Camera
}
