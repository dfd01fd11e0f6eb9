public import Foundation

/// One event on its way to one webhook: the outbox row. Its body is fixed when it is queued
/// (`{"type", "id", "data"}`, `id` being this delivery's id) and signed at each attempt with the
/// webhook's secret in force, so the secret is never stored with it.
public struct WebhookDelivery: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// Waiting for its next attempt.
        case pending
        case delivered
        /// Given up: retried past the outbox's patience, or its webhook was taken out of the config.
        case failed
    }

    public var id: String
    /// The webhook's URL, which names it.
    public var url: String
    public var type: String
    public var body: String
    public var createdAt: Date
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    /// The receiver's last HTTP status, or nil when it could not be reached.
    public var lastStatus: Int?
    public var lastError: String?
    public var deliveredAt: Date?

    public init(
        id: String = UUID.randomText(), url: String, type: String, body: String, createdAt: Date = Date(), state: State = .pending,
        attempts: Int = 0, nextAttemptAt: Date? = nil, lastStatus: Int? = nil, lastError: String? = nil, deliveredAt: Date? = nil
    ) {
        self.id = id
        self.url = url
        self.type = type
        self.body = body
        self.createdAt = createdAt
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.deliveredAt = deliveredAt
    }
}

/// Which deliveries to list: newest first, filtered, paged.
public struct WebhookQuery: Sendable, Equatable {
    public var limit: Int
    public var offset: Int
    public var state: WebhookDelivery.State?
    public var type: String?
    public var url: String?

    public init(limit: Int = 50, offset: Int = 0, state: WebhookDelivery.State? = nil, type: String? = nil, url: String? = nil) {
        self.limit = limit
        self.offset = offset
        self.state = state
        self.type = type
        self.url = url
    }

    public func matches(_ delivery: WebhookDelivery) -> Bool {
        (state.map { $0 == delivery.state } ?? true) && (type.map { $0 == delivery.type } ?? true) && (url.map { $0 == delivery.url } ?? true)
    }
}

/// The webhook outbox: deliveries persist until delivered or given up, across restarts. One
/// contract suite runs every backend.
public protocol WebhookRepository: Sendable {
    /// Queues deliveries; an id already queued is skipped.
    func enqueue(_ deliveries: [WebhookDelivery]) async throws
    /// Takes up to `limit` pending deliveries due by `now`, oldest first, and moves their next
    /// attempt `lease` seconds on, so no other hub of the site takes them meanwhile.
    func claim(dueBy now: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookDelivery]
    /// Stores an attempt's outcome: state, attempts, next attempt, last status and error.
    func record(_ delivery: WebhookDelivery) async throws
    func deliveries(_ query: WebhookQuery) async throws -> [WebhookDelivery]
    func count(_ query: WebhookQuery) async throws -> Int
    /// Removes delivered and failed deliveries created before `date`; returns how many.
    func remove(finishedBefore date: Date) async throws -> Int
}

/// The outbox in memory, for tests and the memory stores.
public actor MemoryWebhookRepository: WebhookRepository {
    private var stored: [String: WebhookDelivery] = [:]

    public init() {}

    public func enqueue(_ deliveries: [WebhookDelivery]) {
        for delivery in deliveries where stored[delivery.id] == nil { stored[delivery.id] = delivery }
    }

    public func claim(dueBy now: Date, lease: TimeInterval, limit: Int) -> [WebhookDelivery] {
        let due = stored.values.filter { $0.state == .pending && $0.nextAttemptAt <= now }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.prefix(limit)
        for delivery in due { stored[delivery.id]?.nextAttemptAt = now.addingTimeInterval(lease) }
        return Array(due)
    }

    public func record(_ delivery: WebhookDelivery) throws {
        guard stored[delivery.id] != nil else { throw CamHubError.notFound("delivery '\(delivery.id)' not found") }
        stored[delivery.id] = delivery
    }

    public func deliveries(_ query: WebhookQuery) -> [WebhookDelivery] {
        Array(matching(query).dropFirst(query.offset).prefix(query.limit))
    }

    public func count(_ query: WebhookQuery) -> Int { matching(query).count }

    public func remove(finishedBefore date: Date) -> Int {
        let gone = stored.values.filter { $0.state != .pending && $0.createdAt < date }
        for delivery in gone { stored[delivery.id] = nil }
        return gone.count
    }

    private func matching(_ query: WebhookQuery) -> [WebhookDelivery] {
        stored.values.filter(query.matches).sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }
}
