import CamHubCore
import CamHubStorage
import Foundation
import Testing

/// The backends the contract runs against. A PostgreSQL case joins here when that backend exists,
/// skipped unless its URL is set.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case memory
    case sqlite
    /// SQLite behind the read cache the hub runs with.
    case cachedSQLite = "cached sqlite"

    var testDescription: String { rawValue }

    func makeRepository() throws -> any CameraRepository {
        try makeRepositories().cameras
    }

    /// A camera and a command repository sharing one store.
    func makeRepositories() throws -> (cameras: any CameraRepository, commands: any CommandRepository) {
        switch self {
        case .memory:
            return (MemoryCameraRepository(), MemoryCommandRepository())
        case .sqlite, .cachedSQLite:
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("camhub-\(UUID().uuidString)/camhub.sqlite")
            let database = try HubDatabase(url: url)
            let cameras = SQLiteCameraRepository(database: database)
            return (self == .sqlite ? cameras : CachedCameraRepository(backing: cameras), SQLiteCommandRepository(database: database))
        }
    }
}

@Suite("Camera repository contract")
struct CameraRepositoryContractTests {
    static func camera(_ id: String, name: String = "Front door") -> Camera {
        Camera(
            id: id, name: name, location: "Main entrance", kind: .registered, source: "rtsp",
            state: .registered, capabilities: ["caption", "vqa"], metadata: ["floor": "1"],
            createdAt: Date(timeIntervalSince1970: 1_700_000_000.25),
            settings: CameraSettings(sourceType: "rtsp", url: "rtsp://cam/stream", width: 640, height: 480, fps: 15)
        )
    }

    @Test(arguments: Backend.allCases)
    func createdCamerasReadBackUnchanged(backend: Backend) async throws {
        let repository = try backend.makeRepository()
        let camera = Self.camera("cam-1")
        try await repository.create(camera)
        #expect(try await repository.camera(id: "cam-1") == camera)
        #expect(try await repository.camera(id: "missing") == nil)
    }

    @Test(arguments: Backend.allCases)
    func creatingATakenIdIsAConflict(backend: Backend) async throws {
        let repository = try backend.makeRepository()
        try await repository.create(Self.camera("cam-1"))
        await #expect(throws: CamHubError.conflict("camera 'cam-1' already exists")) {
            try await repository.create(Self.camera("cam-1", name: "Other"))
        }
        #expect(try await repository.camera(id: "cam-1")?.name == "Front door")
    }

    @Test(arguments: Backend.allCases)
    func upsertReplacesAndListIsOrderedById(backend: Backend) async throws {
        let repository = try backend.makeRepository()
        try await repository.upsert(Self.camera("b"))
        try await repository.upsert(Self.camera("a"))
        try await repository.upsert(Self.camera("b", name: "Renamed"))
        let cameras = try await repository.list()
        #expect(cameras.map(\.id) == ["a", "b"])
        #expect(cameras.last?.name == "Renamed")
    }

    @Test(arguments: Backend.allCases)
    func updatesChangeOnlyWhatTheyTouch(backend: Backend) async throws {
        let repository = try backend.makeRepository()
        var original = Self.camera("cam")
        original.keyHash = "abc123"
        original.sealedCredentials = "sealed"
        try await repository.create(original)
        let seen = Date(timeIntervalSince1970: 1_700_000_100.5)
        let updated = try await repository.update(id: "cam") { camera in
            camera.state = .active
            camera.lastSeenAt = seen
            camera.reportedFrameCount = 42
            camera.lastError = "lens fogged"
            camera.settings.fps = 10
        }
        let stored = try #require(try await repository.camera(id: "cam"))
        #expect(stored == updated)
        #expect(stored.state == .active)
        #expect(stored.lastSeenAt == seen)
        #expect(stored.reportedFrameCount == 42)
        #expect(stored.lastError == "lens fogged")
        #expect(stored.settings.fps == 10)
        #expect(stored.keyHash == "abc123")
        #expect(stored.sealedCredentials == "sealed")
        #expect(stored.name == original.name)
    }

    @Test(arguments: Backend.allCases)
    func aFailedUpdateChangesNothing(backend: Backend) async throws {
        struct Refused: Error {}
        let repository = try backend.makeRepository()
        try await repository.create(Self.camera("cam"))
        await #expect(throws: Refused.self) {
            try await repository.update(id: "cam") { camera in
                camera.name = "Changed"
                throw Refused()
            }
        }
        #expect(try await repository.camera(id: "cam")?.name == "Front door")
        await #expect(throws: CamHubError.self) {
            try await repository.update(id: "nope") { _ in }
        }
    }

    @Test(arguments: Backend.allCases)
    func deleteReportsWhetherTheCameraExisted(backend: Backend) async throws {
        let repository = try backend.makeRepository()
        try await repository.create(Self.camera("cam"))
        #expect(try await repository.delete(id: "cam"))
        #expect(try await repository.delete(id: "cam") == false)
        #expect(try await repository.list().isEmpty)
    }
}
