import AsyncHTTPClient
public import CamHubCore
public import Foundation
public import Logging
import NIOCore
public import ServiceLifecycle
import Synchronization

/// Tells the configured webhooks what happened, and never loses it: each event is written to the
/// outbox (`WebhookRepository`) first, then POSTed, and retried with backoff until the receiver
/// takes it (any 2xx) or `patience` has passed, across restarts, from any hub of the site.
///
/// `publish` only adds to a list in memory and wakes the loop, so a slow or dead receiver never
/// slows what publishes (motion, detections). The loop writes that list to the outbox in one go,
/// claims what is due (each delivery taken by one hub at a time), and sends a few at a time; a
/// receiver gets its deliveries in the order they were made. At a graceful stop what was
/// published is written to the outbox before the loop ends.
public final class WebhookOutbox: Service, Sendable {
    public typealias Webhooks = @Sendable () -> [WebhookSettings]

    /// How long a delivery is retried before it is given up.
    public static let patience: TimeInterval = 24 * 3600
    /// How long delivered and given-up deliveries stay listed.
    public static let keepFinished: TimeInterval = 30 * 86_400
    /// A claim's hold: another hub (or this one after a crash) may try a delivery again after
    /// this. A pass sends nothing new after `sendingWindow`, so with the request timeout every
    /// attempt ends inside the hold.
    static let claimLease: TimeInterval = 20
    static let sendingWindow: TimeInterval = 8
    static let batch = 32
    static let requestTimeout: TimeAmount = .seconds(10)

    public let repository: any WebhookRepository
    private let webhooks: Webhooks
    private let logger: Logger
    private let userAgent: String
    private let state = Mutex(State())
    private let counters = Mutex(Counters())

    private struct State {
        var published: [WebhookDelivery] = []
        var wake: AsyncStream<Void>.Continuation?
    }

    /// What was attempted, for `/metrics`.
    public struct Counters: Sendable, Equatable {
        public var delivered = 0
        public var failedAttempts = 0
        public var givenUp = 0
        public var queueFailures = 0
    }

    public init(repository: any WebhookRepository, logger: Logger, userAgent: String = "camhub", webhooks: @escaping Webhooks) {
        self.repository = repository
        self.webhooks = webhooks
        self.logger = logger
        self.userAgent = userAgent
    }

    public var statistics: Counters { counters.withLock { $0 } }

    /// The wait before attempt `attempts + 1`: 1 s, doubling, at most 5 minutes.
    public static func backoff(afterAttempts attempts: Int) -> TimeInterval {
        min(300, pow(2, Double(max(0, attempts - 1))))
    }

    /// Queues `type` with `data` (a JSON object's text) for every webhook that wants it.
    public func publish(_ type: String, at date: Date = Date(), data: @autoclosure () -> String) {
        let wanting = webhooks().filter { $0.wants(type) }
        guard !wanting.isEmpty else { return }
        let data = data()
        let deliveries = wanting.map { webhook -> WebhookDelivery in
            let id = UUID.randomText()
            let body = #"{"type":"# + JSONText.string(type) + #","id":"# + JSONText.string(id) + #","data":"# + data + "}"
            return WebhookDelivery(id: id, url: webhook.url, type: type, body: body, createdAt: date)
        }
        guard !deliveries.isEmpty else { return }
        let wake = state.withLock { state in
            state.published += deliveries
            return state.wake
        }
        wake?.yield()
    }

    public func run() async throws {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        state.withLock { $0.wake = wake }
        await cancelWhenGracefulShutdown {
            // A tick a second finds the retries that came due; a publish wakes it at once.
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        wake.yield()
                    }
                }
                var lastPrune = Date.distantPast
                for await _ in wakes {
                    await self.pass()
                    if Task.isCancelled { break }
                    if Date().timeIntervalSince(lastPrune) > 3600 {
                        lastPrune = Date()
                        await self.prune(now: lastPrune)
                    }
                }
                group.cancelAll()
            }
        }
        state.withLock { $0.wake = nil }
        await writePublished()
    }

    /// One pass: what was published goes to the outbox, then what is due is sent.
    public func pass(now: Date = Date()) async {
        await writePublished()
        let configured = Dictionary(webhooks().map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
        let due: [WebhookDelivery]
        do {
            due = try await repository.claim(dueBy: now, lease: Self.claimLease, limit: Self.batch)
        } catch {
            logger.warning("the webhook outbox could not be read; trying again", metadata: ["error": "\(error)"])
            return
        }
        guard !due.isEmpty else { return }
        // A client of the outbox's own: a receiver that refuses connections fails the attempt at
        // once (the outbox retries, not the client), and redirects are not followed.
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5)))
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        // One task per receiver, its deliveries in order; receivers side by side. Once a receiver
        // fails, the rest of its deliveries wait for the same retry, so a dead receiver costs one
        // attempt a pass.
        let byReceiver = Dictionary(grouping: due, by: \.url)
        let started = Date()
        await withTaskGroup(of: Void.self) { group in
            for (url, deliveries) in byReceiver {
                group.addTask {
                    var retryAt: Date?
                    for delivery in deliveries {
                        if retryAt == nil, Date().timeIntervalSince(started) > Self.sendingWindow {
                            retryAt = Date()  // the rest at the next pass
                        }
                        if let retryAt {
                            var waiting = delivery
                            waiting.nextAttemptAt = retryAt
                            await self.record(waiting)
                        } else {
                            retryAt = await self.attempt(delivery, webhook: configured[url], client: client, passedAt: now)
                        }
                    }
                }
            }
        }
        try? await client.shutdown()
    }

    /// Removes the deliveries finished longer than `keepFinished` ago.
    func prune(now: Date) async {
        do {
            let removed = try await repository.remove(finishedBefore: now.addingTimeInterval(-Self.keepFinished))
            if removed > 0 { logger.info("old webhook deliveries removed", metadata: ["count": "\(removed)"]) }
        } catch {
            logger.debug("old webhook deliveries could not be removed", metadata: ["error": "\(error)"])
        }
    }

    private func writePublished() async {
        let published = state.withLock { state in
            defer { state.published = [] }
            return state.published
        }
        guard !published.isEmpty else { return }
        do {
            try await repository.enqueue(published)
        } catch {
            // Kept for the next pass, so a database that blinks loses nothing.
            counters.withLock { $0.queueFailures += 1 }
            state.withLock { $0.published = published + $0.published }
            logger.warning("webhook deliveries could not be written to the outbox; trying again", metadata: ["count": "\(published.count)", "error": "\(error)"])
        }
    }

    /// Sends one delivery and stores how it went; when it is to be tried again, when.
    private func attempt(_ delivery: WebhookDelivery, webhook: WebhookSettings?, client: HTTPClient, passedAt: Date) async -> Date? {
        var outcome = delivery
        if let webhook {
            outcome.attempts += 1
            let result = await send(delivery, secret: webhook.secret, client: client)
            (outcome.lastStatus, outcome.lastError) = (result.status, result.error)
            let now = Date()
            if result.delivered {
                (outcome.state, outcome.deliveredAt) = (.delivered, now)
                counters.withLock { $0.delivered += 1 }
            } else if max(now, passedAt).timeIntervalSince(delivery.createdAt) >= Self.patience {
                outcome.state = .failed
                counters.withLock {
                    $0.failedAttempts += 1
                    $0.givenUp += 1
                }
                logger.error("a webhook delivery was given up after retrying for a day",
                             metadata: ["url": "\(delivery.url)", "delivery": "\(delivery.id)", "error": "\(result.error ?? "")"])
            } else {
                outcome.nextAttemptAt = now.addingTimeInterval(Self.backoff(afterAttempts: outcome.attempts))
                counters.withLock { $0.failedAttempts += 1 }
                if outcome.attempts == 1 || outcome.attempts % 10 == 0 {
                    logger.warning("a webhook receiver did not take a delivery; retrying with backoff", metadata: [
                        "url": "\(delivery.url)", "delivery": "\(delivery.id)", "attempts": "\(outcome.attempts)", "error": "\(result.error ?? "")",
                    ])
                }
            }
        } else {
            (outcome.state, outcome.lastError) = (.failed, "the webhook is no longer in the config")
        }
        await record(outcome)
        return outcome.state == .pending ? outcome.nextAttemptAt : nil
    }

    private func record(_ delivery: WebhookDelivery) async {
        do {
            try await repository.record(delivery)
        } catch {
            logger.warning("a webhook delivery's outcome could not be stored; it is tried again after its claim", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
    }

    private struct Attempt {
        var delivered = false
        var status: Int?
        var error: String?
    }

    private func send(_ delivery: WebhookDelivery, secret: String, client: HTTPClient) async -> Attempt {
        let body = Array(delivery.body.utf8)
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: WebhookSignature.header, value: WebhookSignature.value(body: body, secret: secret))
        request.headers.add(name: "X-Camhub-Event", value: delivery.type)
        request.headers.add(name: "X-Camhub-Delivery", value: delivery.id)
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: Self.requestTimeout)
            // What the receiver says is not kept beyond its status; read a little so the connection is reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            return (200..<300).contains(status) ? Attempt(delivered: true, status: status) : Attempt(status: status, error: "HTTP \(status)")
        } catch {
            return Attempt(error: "\(error)")
        }
    }
}
