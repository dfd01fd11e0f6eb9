import CamHubCore
import CamHubStorage
import Foundation
import Testing

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

    @Test(arguments: Backend.available)
    func createdCamerasReadBackUnchanged(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.cameras
            let camera = Self.camera("cam-1")
            try await repository.create(camera)
            #expect(try await repository.camera(id: "cam-1") == camera)
            #expect(try await repository.camera(id: "missing") == nil)
        }
    }

    @Test(arguments: Backend.available)
    func creatingATakenIdIsAConflict(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.cameras
            try await repository.create(Self.camera("cam-1"))
            await #expect(throws: CamHubError.conflict("camera 'cam-1' already exists")) {
                try await repository.create(Self.camera("cam-1", name: "Other"))
            }
            #expect(try await repository.camera(id: "cam-1")?.name == "Front door")
        }
    }

    @Test(arguments: Backend.available)
    func upsertReplacesAndListIsOrderedById(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.cameras
            try await repository.upsert(Self.camera("b"))
            try await repository.upsert(Self.camera("a"))
            try await repository.upsert(Self.camera("b", name: "Renamed"))
            let cameras = try await repository.list()
            #expect(cameras.map(\.id) == ["a", "b"])
            #expect(cameras.last?.name == "Renamed")
        }
    }

    @Test(arguments: Backend.available)
    func updatesChangeOnlyWhatTheyTouch(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.cameras
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
    }

    @Test(arguments: Backend.available)
    func aFailedUpdateChangesNothing(backend: Backend) async throws {
        struct Refused: Error {}
        try await backend.withStores { stores in
            let repository = stores.cameras
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
    }

    @Test(arguments: Backend.available)
    func deleteReportsWhetherTheCameraExisted(backend: Backend) async throws {
        try await backend.withStores { stores in
            let repository = stores.cameras
            try await repository.create(Self.camera("cam"))
            #expect(try await repository.delete(id: "cam"))
            #expect(try await repository.delete(id: "cam") == false)
            #expect(try await repository.list().isEmpty)
        }
    }
}
