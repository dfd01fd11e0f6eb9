import CamHubStorage
import ServiceLifecycle

/// Checkpoints the database once everything else has stopped: listed first among the services,
/// it is the last to shut down, after the server and the record writer.
struct DatabaseShutdown: Service, CustomStringConvertible {
    var description: String { "DatabaseShutdown" }
    let database: HubDatabase

    func run() async throws {
        try? await gracefulShutdown()
        await database.checkpoint()
    }
}
