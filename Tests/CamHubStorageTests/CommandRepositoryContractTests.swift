import CamHubCore
import CamHubStorage
import Foundation
import Testing

@Suite("Command repository contract")
struct CommandRepositoryContractTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// Fresh stores with cameras "a" and "b" in them.
    static func seeded(_ stores: HubStores) async throws -> HubStores {
        try await stores.cameras.create(CameraRepositoryContractTests.camera("a"))
        try await stores.cameras.create(CameraRepositoryContractTests.camera("b"))
        return stores
    }

    @Test(arguments: Backend.available)
    func queuedCommandsAreTakenExactlyOnceInOrder(backend: Backend) async throws {
        try await backend.withStores { stores in
            let commands = try await Self.seeded(stores).commands
            let first = try await commands.enqueue(.init(type: .adjustFPS, value: .integer(10), reason: "High CPU usage"), for: "a", at: now)
            let second = try await commands.enqueue(.init(type: .changeResolution, value: .size(width: 320, height: 240)), for: "a", at: now)
            _ = try await commands.enqueue(.init(type: .setTask, value: .text("vqa")), for: "b", at: now)

            let taken = try await commands.takeQueued(for: "a", at: now.addingTimeInterval(5))
            #expect(taken.map(\.id) == [first.id, second.id])
            #expect(taken.map(\.value) == [.integer(10), .size(width: 320, height: 240)])
            #expect(taken.first?.reason == "High CPU usage")
            #expect(taken.allSatisfy { $0.state == .delivered && $0.deliveredAt == now.addingTimeInterval(5) })
            #expect(try await commands.takeQueued(for: "a", at: now).isEmpty)

            let history = try await commands.commands(for: "a")
            #expect(history.map(\.state) == [.delivered, .delivered])
            #expect(try await commands.commands(for: "b").map(\.state) == [.queued])
        }
    }

    @Test(arguments: Backend.available)
    func concurrentTakersNeverShareACommand(backend: Backend) async throws {
        try await backend.withStores { stores in
            let commands = try await Self.seeded(stores).commands
            for index in 0..<20 {
                _ = try await commands.enqueue(.init(type: .adjustFPS, value: .integer(index % 60 + 1)), for: "a", at: now)
            }
            let batches = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 0..<8 {
                    group.addTask { try await commands.takeQueued(for: "a", at: now).map(\.id) }
                }
                return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
            }
            let all = batches.flatMap { $0 }
            #expect(all.count == 20)
            #expect(Set(all).count == 20)
        }
    }

    /// Found by the interop suite: a camera update once replaced the row, and the delete cascaded.
    @Test(arguments: Backend.available)
    func updatingOrUpsertingACameraKeepsItsCommands(backend: Backend) async throws {
        try await backend.withStores { stores in
            _ = try await Self.seeded(stores)
            _ = try await stores.commands.enqueue(.init(type: .adjustFPS, value: .integer(5)), for: "a", at: now)
            try await stores.cameras.update(id: "a") { $0.reportedFrameCount = 9 }
            try await stores.cameras.upsert(CameraRepositoryContractTests.camera("a", name: "Renamed"))
            #expect(try await stores.commands.takeQueued(for: "a", at: now).map(\.value) == [.integer(5)])
        }
    }

    @Test(arguments: Backend.available)
    func textValuesRoundTrip(backend: Backend) async throws {
        try await backend.withStores { stores in
            let commands = try await Self.seeded(stores).commands
            let question = "Is there a person in the image? \"quoted\" ünïcode"
            _ = try await commands.enqueue(.init(type: .setQuestion, value: .text(question)), for: "b", at: now)
            #expect(try await commands.takeQueued(for: "b", at: now).first?.value == .text(question))
        }
    }
}
