public import CamHubCore
public import Foundation
public import Logging

/// The repositories a hub runs on, whichever database holds them.
public struct HubStores: Sendable {
    public let cameras: any CameraRepository
    public let commands: any CommandRepository
    public let analyses: any AnalysisRepository
    public let records: any RecordRepository
    /// Images that came with records: files beside SQLite, `bytea` in PostgreSQL.
    public let blobs: any BlobRepository
    /// The web app's logged-in sessions.
    public let webSessions: any WebSessionRepository
    /// What the cameras saw (motion events).
    public let events: any EventRepository
    /// The webhook outbox.
    public let webhooks: any WebhookRepository
    /// Where the secrets every hub must agree on are kept: the shared database; nil when the
    /// database is this hub's own (they are files in the data dir then).
    public let sharedSecrets: (any SharedSecretRepository)?
    /// The site's hubs and their camera leases: shared on PostgreSQL, this hub alone otherwise.
    public let cluster: any ClusterRepository
    /// Live events for the other hubs sharing the database; nobody to tell otherwise.
    public let site: any SiteBroadcast
    /// True when other hubs may share the database (PostgreSQL), so nothing read from it may be
    /// kept in memory as if this hub were the only writer.
    public let isShared: Bool
    /// What the database is, for logs: a file path, or `host:port/dbname` (never a password).
    public let description: String

    public init(
        cameras: any CameraRepository, commands: any CommandRepository, analyses: any AnalysisRepository, records: any RecordRepository,
        blobs: any BlobRepository, webSessions: any WebSessionRepository = MemoryWebSessionRepository(),
        events: any EventRepository = MemoryEventRepository(), webhooks: any WebhookRepository = MemoryWebhookRepository(), sharedSecrets: (any SharedSecretRepository)? = nil,
        cluster: any ClusterRepository = MemoryClusterRepository(),
        site: any SiteBroadcast = LoneHubBroadcast(), isShared: Bool, description: String
    ) {
        self.site = site
        self.sharedSecrets = sharedSecrets
        self.cluster = cluster
        self.cameras = cameras
        self.commands = commands
        self.analyses = analyses
        self.records = records
        self.blobs = blobs
        self.webSessions = webSessions
        self.events = events
        self.webhooks = webhooks
        self.isShared = isShared
        self.description = description
    }

    /// Everything in memory, for tests and for running without a database.
    public static func memory() -> HubStores {
        HubStores(
            cameras: MemoryCameraRepository(), commands: MemoryCommandRepository(), analyses: MemoryAnalysisRepository(),
            records: MemoryRecordRepository(), blobs: MemoryBlobRepository(), isShared: false, description: "memory"
        )
    }
}

/// Opens the database `database.url` names, for as long as the hub runs.
public enum HubStorage {
    /// Opens (and migrates) the database, runs `body` with its repositories, and closes it once
    /// `body` returns: SQLite is checkpointed, PostgreSQL's pool is stopped. A database that cannot
    /// be opened throws before `body` runs (`database_unavailable` for an unreachable server).
    public static func withOpen<Result: Sendable>(
        _ location: DatabaseLocation, dataDirectory: URL, logger: Logger, _ body: (HubStores) async throws -> Result
    ) async throws -> Result {
        switch location {
        case .sqlite:
            let file = location.sqliteFile(in: dataDirectory) ?? dataDirectory.appendingPathComponent("camhub.sqlite")
            let database = try SQLiteDatabase(url: file) { message in logger.warning("database: \(message)") }
            let stores = HubStores(
                cameras: SQLiteCameraRepository(database: database), commands: SQLiteCommandRepository(database: database),
                analyses: SQLiteAnalysisRepository(database: database), records: SQLiteRecordRepository(database: database),
                blobs: FileBlobRepository(directory: dataDirectory.appendingPathComponent("blobs")),
                webSessions: SQLiteWebSessionRepository(database: database), events: SQLiteEventRepository(database: database),
                webhooks: SQLiteWebhookRepository(database: database), isShared: false, description: file.path
            )
            do {
                let result = try await body(stores)
                await database.checkpoint()
                return result
            } catch {
                await database.checkpoint()
                throw error
            }
        case .postgres(let address):
            let database = try await PostgresDatabase.open(address, logger: logger)
            let site = PostgresSiteBroadcast(database: database)
            let stores = HubStores(
                cameras: PostgresCameraRepository(database: database), commands: PostgresCommandRepository(database: database),
                analyses: PostgresAnalysisRepository(database: database), records: PostgresRecordRepository(database: database),
                blobs: PostgresBlobRepository(database: database), webSessions: PostgresWebSessionRepository(database: database),
                events: PostgresEventRepository(database: database), webhooks: PostgresWebhookRepository(database: database), sharedSecrets: PostgresSharedSecretRepository(database: database),
                cluster: PostgresClusterRepository(database: database), site: site, isShared: true, description: address.description
            )
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await database.run() }
                group.addTask { await site.run() }
                do {
                    let result = try await body(stores)
                    group.cancelAll()
                    return result
                } catch {
                    group.cancelAll()
                    throw error
                }
            }
        }
    }
}
