public import CamHubCore
public import CamHubSocketIO

/// Where seed 002's room events are sent: the Socket.IO server, or a socket of it.
public protocol LPRRooms: Sendable {
    func emit(_ event: String, _ json: String, toRoom room: String)
    func members(of room: String) -> Int
}

extension SocketIOServer: LPRRooms {}

extension SocketIOClient: LPRRooms {
    public func emit(_ event: String, _ json: String, toRoom room: String) {
        broadcast(event, json, toRoom: room)
    }
}

/// Tells everyone who watches what seed 002 stored or saw: the Socket.IO rooms (`dashboard`,
/// `health_monitoring`) and the web page's live sockets of this hub, and, through the site
/// broadcast, those of every other hub sharing the database. One place, so the Socket.IO events
/// and the REST fallback announce alike, and a hub announces what another hub sends as if it
/// had stored it itself.
public struct LPRAnnouncer: Sendable {
    /// Told of each stored detection once, by the hub that stored it: `detection` and its JSON,
    /// made only if asked for (the webhooks).
    public typealias Notify = @Sendable (_ type: String, _ json: () -> String) -> Void

    let events: LiveEvents
    let site: any SiteBroadcast
    let notify: Notify

    static let detectionTopic = "lpr.detection"
    static let healthTopic = "lpr.health"
    static let cameraStatusTopic = "lpr.camera_status"

    public init(events: LiveEvents, site: any SiteBroadcast, notify: @escaping Notify = { _, _ in }) {
        self.events = events
        self.site = site
        self.notify = notify
    }

    /// A stored detection: `new_detection` to the dashboard room, `detection` to the web page.
    public func detection(_ record: DetectionRecord, rooms: any LPRRooms) {
        let local = rooms.members(of: "dashboard") > 0 || events.hasSubscribers
        let shown = local || site.reachesOtherHubs ? RecordJSON.detection(record) : nil
        notify("detection") { shown ?? RecordJSON.detection(record) }
        guard let json = shown else { return }
        show(Self.detectionTopic, json, rooms: rooms)
        site.send(SiteEvent(topic: Self.detectionTopic, json: json))
    }

    /// A stored health report: `health_update` to the health room.
    public func health(_ report: HealthReport, rooms: any LPRRooms) {
        guard rooms.members(of: "health_monitoring") > 0 || site.reachesOtherHubs else { return }
        let json = RecordJSON.health(report)
        show(Self.healthTopic, json, rooms: rooms)
        site.send(SiteEvent(topic: Self.healthTopic, json: json))
    }

    /// A camera came online or went away: `camera_status` to the dashboard room.
    public func cameraStatus(_ cameraID: CameraID, checkpointID: String?, online: Bool, rooms: any LPRRooms) {
        let json = RecordJSON.text(LPRAnswers.cameraStatus(cameraID, checkpointID: checkpointID, online: online))
        show(Self.cameraStatusTopic, json, rooms: rooms)
        site.send(SiteEvent(topic: Self.cameraStatusTopic, json: json))
    }

    /// What another hub announced, shown here.
    public func deliver(_ event: SiteEvent, rooms: any LPRRooms) {
        show(event.topic, event.json, rooms: rooms)
    }

    private func show(_ topic: String, _ json: String, rooms: any LPRRooms) {
        switch topic {
        case Self.detectionTopic:
            if rooms.members(of: "dashboard") > 0 { rooms.emit("new_detection", json, toRoom: "dashboard") }
            if events.hasSubscribers { events.publish("detection", json) }
        case Self.healthTopic:
            if rooms.members(of: "health_monitoring") > 0 { rooms.emit("health_update", json, toRoom: "health_monitoring") }
        case Self.cameraStatusTopic:
            rooms.emit("camera_status", json, toRoom: "dashboard")
        default:
            break
        }
    }
}
