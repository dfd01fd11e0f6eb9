import CamHubCore
import CamHubWebhooks
import Foundation
import Logging
import Testing

@Suite("Webhook outbox")
struct WebhookOutboxTests {
    /// Nothing listens on port 9 of loopback here (discard is not run): connections are refused.
    static let deadReceiver = "http://127.0.0.1:9/hook"

    @Test func theSignatureIsHMACSHA256OfTheBodyInHex() {
        // Python: hmac.new(b"a-secret-key", b'{"type":"motion_start"}', hashlib.sha256).hexdigest()
        #expect(
            WebhookSignature.value(body: Array(#"{"type":"motion_start"}"#.utf8), secret: "a-secret-key")
                == "sha256=615a4512acd10ca73ed69270ee7f8a4d91ab3d83ea8f37b99a44168a2f1ba76b"
        )
    }

    @Test func backoffDoublesFromASecondToFiveMinutes() {
        #expect((1...12).map { WebhookOutbox.backoff(afterAttempts: $0) } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300])
    }

    @Test func anEventGoesToTheWebhooksThatWantItWithItsDeliveryIDInTheBody() async throws {
        let outbox = MemoryWebhookRepository()
        let hooks = [
            WebhookSettings(url: "http://127.0.0.1:9/motion", secret: "s3cret-one", events: ["motion_start", "motion_end"]),
            WebhookSettings(url: "http://127.0.0.1:9/plates", secret: "s3cret-two", events: ["detection"]),
        ]
        let webhooks = WebhookOutbox(repository: outbox, logger: Logger(label: "test")) { hooks }
        webhooks.publish("motion_start", data: #"{"camera_id":"yard"}"#)
        webhooks.publish("camera_offline", data: #"{"camera_id":"yard"}"#)  // nobody asked
        await webhooks.pass(now: Date.distantPast)  // written, nothing due yet
        let queued = await outbox.deliveries(WebhookQuery())
        #expect(queued.count == 1 && queued[0].url == "http://127.0.0.1:9/motion" && queued[0].state == .pending)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(queued[0].body.utf8)) as? [String: Any])
        #expect(body["type"] as? String == "motion_start" && body["id"] as? String == queued[0].id)
        #expect((body["data"] as? [String: Any])?["camera_id"] as? String == "yard")
    }

    @Test func aReceiverThatIsDownIsRetriedWithBackoffThenGivenUpAfterADay() async throws {
        let outbox = MemoryWebhookRepository()
        let hooks = [WebhookSettings(url: Self.deadReceiver, secret: "s3cret-one")]
        let webhooks = WebhookOutbox(repository: outbox, logger: Logger(label: "test")) { hooks }
        let created = Date()
        webhooks.publish("motion_end", at: created, data: "{}")
        await webhooks.pass()
        var delivery = try #require(await outbox.deliveries(WebhookQuery()).first)
        #expect(delivery.state == .pending && delivery.attempts == 1 && delivery.lastStatus == nil && delivery.lastError != nil, "\(delivery)")
        #expect(delivery.nextAttemptAt > Date() && delivery.nextAttemptAt < Date().addingTimeInterval(2))
        // Not due yet: nothing is tried.
        await webhooks.pass()
        #expect(await outbox.deliveries(WebhookQuery()).first?.attempts == 1)
        // A day on, the last try fails and it is given up.
        await webhooks.pass(now: created.addingTimeInterval(WebhookOutbox.patience + 1))
        delivery = try #require(await outbox.deliveries(WebhookQuery()).first)
        #expect(delivery.state == .failed && delivery.attempts == 2)
        #expect(webhooks.statistics.failedAttempts == 2 && webhooks.statistics.givenUp == 1 && webhooks.statistics.delivered == 0)
    }

    @Test func aDeliveryWhoseWebhookLeftTheConfigFailsWithoutBeingSent() async throws {
        let outbox = MemoryWebhookRepository()
        await outbox.enqueue([WebhookDelivery(url: "http://127.0.0.1:9/gone", type: "motion_start", body: "{}", createdAt: Date())])
        let webhooks = WebhookOutbox(repository: outbox, logger: Logger(label: "test")) { [] }
        await webhooks.pass()
        let delivery = try #require(await outbox.deliveries(WebhookQuery()).first)
        #expect(delivery.state == .failed && delivery.attempts == 0 && delivery.lastError == "the webhook is no longer in the config")
    }
}

@Suite("Camera status changes")
struct CameraStatusChangesTests {
    static func camera(_ id: CameraID) -> Camera { Camera(id: id, name: id, kind: .registered, source: "usb") }

    @Test func onlineAndOfflineAreToldOnTheirTransitionsOnly() {
        var changes = CameraStatusChanges()
        let (gate, door, lot) = (Self.camera("gate"), Self.camera("door"), Self.camera("lot"))
        // First look: remembered, nothing told (a hub that starts announces nothing).
        #expect(changes.look([(gate, .active), (door, .registered), (lot, .active)]).isEmpty)
        let second = changes.look([(gate, .inactive), (door, .active), (lot, .stopped)])
        #expect(second.map(\.type) == ["camera_offline", "camera_online"] && second.map(\.camera.id) == ["gate", "door"])
        #expect(second[0].previous == .active && second[0].status == .inactive)
        #expect(changes.look([(gate, .inactive), (door, .active), (lot, .stopped)]).isEmpty, "no change, nothing told")
        #expect(changes.look([(gate, .active), (door, .error), (lot, .active)]).map(\.type) == ["camera_online", "camera_offline"])
        // A camera that appears already active came online; one that appears otherwise is only remembered.
        let new = changes.look([(gate, .active), (door, .error), (lot, .active), (Self.camera("porch"), .active), (Self.camera("shed"), .registered)])
        #expect(new.map(\.camera.id) == ["porch"] && new[0].type == "camera_online" && new[0].previous == nil)
        changes.forget()
        #expect(changes.look([(gate, .inactive), (Self.camera("new"), .active)]).isEmpty)
    }
}
