public import Foundation

/// Something a camera saw that the hub keeps as a record: a motion event today (its start and end,
/// where it was at its peak, the zones it touched, its picture and clip).
public struct CameraEvent: Sendable, Equatable {
    public var id: String
    public var cameraID: CameraID
    /// `motion`.
    public var kind: String
    public var start: Date
    /// Nil while it is under way, and for one a crash cut short (`unfinished`).
    public var end: Date?
    public var zones: [String]
    /// The regions at its peak, as fractions of the picture.
    public var boxes: [EventBox]
    /// Their area together at the peak, as a fraction of the picture.
    public var peakArea: Double
    /// What a vision model said of the peak frame, when the camera asked for it.
    public var caption: String?
    /// The blob holding the peak frame, and the clip's folder name, when there are ones.
    public var snapshot: String?
    public var clip: String?
    /// The hub stopped (or died) before the event ended: its end is not known.
    public var unfinished: Bool

    public init(
        id: String = UUID.randomText(), cameraID: CameraID, kind: String = "motion", start: Date, end: Date? = nil,
        zones: [String] = [], boxes: [EventBox] = [], peakArea: Double = 0, caption: String? = nil, snapshot: String? = nil,
        clip: String? = nil, unfinished: Bool = false
    ) {
        self.id = id
        self.cameraID = cameraID
        self.kind = kind
        self.start = start
        self.end = end
        self.zones = zones
        self.boxes = boxes
        self.peakArea = peakArea
        self.caption = caption
        self.snapshot = snapshot
        self.clip = clip
        self.unfinished = unfinished
    }
}

/// A region of a picture, in fractions of its width and height.
public struct EventBox: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Which events to list: newest start first, filtered, paged.
public struct EventQuery: Sendable, Equatable {
    public var limit: Int
    public var offset: Int
    public var cameraID: CameraID?
    public var kind: String?
    public var zone: String?
    /// Events that started at or after `since`, and at or before `until`.
    public var since: Date?
    public var until: Date?

    public init(limit: Int = 50, offset: Int = 0, cameraID: CameraID? = nil, kind: String? = nil, zone: String? = nil, since: Date? = nil, until: Date? = nil) {
        self.limit = limit
        self.offset = offset
        self.cameraID = cameraID
        self.kind = kind
        self.zone = zone
        self.since = since
        self.until = until
    }

    /// Whether `event` passes the filters (not the paging).
    public func matches(_ event: CameraEvent) -> Bool {
        (cameraID.map { $0 == event.cameraID } ?? true) && (kind.map { $0 == event.kind } ?? true)
            && (zone.map { event.zones.contains($0) } ?? true) && (since.map { event.start >= $0 } ?? true)
            && (until.map { event.start <= $0 } ?? true)
    }
}

/// The events a hub keeps. One contract suite runs every backend.
public protocol EventRepository: Sendable {
    /// Stores a new event (one under way has no end yet).
    func add(_ event: CameraEvent) async throws
    /// Stores what changed in an event: its end, its peak, its caption, its pictures.
    func update(_ event: CameraEvent) async throws
    func event(id: String) async throws -> CameraEvent?
    func events(_ query: EventQuery) async throws -> [CameraEvent]
    func count(_ query: EventQuery) async throws -> Int
    /// At start, events left under way (by a crash or a stop) are marked unfinished; returns them.
    func markUnfinished() async throws -> [CameraEvent]
    /// Removes up to `limit` of the events that started before `date`, oldest first; returns them
    /// (their pictures and clips are the caller's to remove).
    func remove(startedBefore date: Date, limit: Int) async throws -> [CameraEvent]
}

/// Events in memory, for tests and the memory stores.
public actor MemoryEventRepository: EventRepository {
    private var stored: [String: CameraEvent] = [:]

    public init() {}

    public func add(_ event: CameraEvent) throws {
        guard stored[event.id] == nil else { throw CamHubError.conflict("an event with that id already exists") }
        stored[event.id] = event
    }

    public func update(_ event: CameraEvent) throws {
        guard stored[event.id] != nil else { throw CamHubError.notFound("event '\(event.id)' not found") }
        stored[event.id] = event
    }

    public func event(id: String) -> CameraEvent? { stored[id] }

    public func events(_ query: EventQuery) -> [CameraEvent] {
        Array(matching(query).dropFirst(query.offset).prefix(query.limit))
    }

    public func count(_ query: EventQuery) -> Int { matching(query).count }

    public func markUnfinished() -> [CameraEvent] {
        var marked: [CameraEvent] = []
        for (id, event) in stored where event.end == nil && !event.unfinished {
            stored[id]?.unfinished = true
            marked.append(stored[id]!)
        }
        return marked.sorted { $0.start < $1.start }
    }

    public func remove(startedBefore date: Date, limit: Int) -> [CameraEvent] {
        let removed = stored.values.filter { $0.start < date }.sorted { ($0.start, $0.id) < ($1.start, $1.id) }.prefix(limit)
        for event in removed { stored[event.id] = nil }
        return Array(removed)
    }

    private func matching(_ query: EventQuery) -> [CameraEvent] {
        stored.values.filter(query.matches).sorted { ($0.start, $0.id) > ($1.start, $1.id) }
    }
}
