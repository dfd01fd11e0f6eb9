public import CamHubCore
import Logging
import PostgresNIO
import Synchronization

/// Site events through `NOTIFY`, on the schema's notice channel (`PostgresNotices`), as
/// `site <sender> <topic> <json>` (the sender is this process's notice listener); a hub ignores
/// its own.
///
/// `send` never waits: events wait in an outbox, and one statement sends everything waiting
/// (`SELECT pg_notify(...) FROM unnest(...)`), one statement at a time, so a burst costs a few
/// round trips and a lone event goes out at once. An event over PostgreSQL's 8,000-byte notice
/// limit is not sent (and logged); the others see the record when they read it.
public final class PostgresSiteBroadcast: SiteBroadcast {
    private let database: PostgresDatabase
    private let sender: String
    private let outbox = Mutex<[String]>([])
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation
    /// PostgreSQL refuses notices of 8,000 bytes and more.
    static let maxPayloadBytes = 7_999

    init(database: PostgresDatabase) {
        self.database = database
        sender = database.notices.listenerID
        (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public var reachesOtherHubs: Bool { true }

    public func send(_ event: SiteEvent) {
        let payload = "site \(sender) \(event.topic) \(event.json)"
        guard payload.utf8.count <= Self.maxPayloadBytes else {
            database.logger.notice("a site event is too large to send to the other hubs", metadata: ["topic": "\(event.topic)", "bytes": "\(payload.utf8.count)"])
            return
        }
        outbox.withLock { $0.append(payload) }
        ring.yield()
    }

    public func subscribe(_ handler: @escaping @Sendable (SiteEvent) -> Void) {
        let sender = sender
        database.notices.subscribe("site") { body in
            let from = body.prefix { $0 != " " }
            guard from != sender else { return }
            let rest = body.dropFirst(from.count + 1)
            let topic = rest.prefix { $0 != " " }
            handler(SiteEvent(topic: String(topic), json: String(rest.dropFirst(topic.count + 1))))
        }
    }

    /// Sends what waits in the outbox until the calling task is cancelled (the waiting stream ends then).
    func run() async {
        for await _ in doorbell {
            let batch = outbox.withLock { outbox in
                defer { outbox.removeAll(keepingCapacity: true) }
                return outbox
            }
            guard !batch.isEmpty else { continue }
            do {
                try await database.execute("SELECT pg_notify(\(database.notices.channel), payload) FROM unnest(\(batch)::text[]) AS payload")
            } catch {
                database.logger.warning("site events could not be sent to the other hubs", metadata: ["events": "\(batch.count)", "error": "\(error)"])
            }
        }
    }
}
