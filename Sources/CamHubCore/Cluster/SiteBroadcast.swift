/// Something every hub of the site must show its viewers: a detection stored through one hub
/// reaches the dashboards connected to all of them.
public struct SiteEvent: Sendable, Equatable {
    /// What it is, in words without spaces (`lpr.detection`): the receiver decides how to show it.
    public var topic: String
    /// Its JSON, as the viewers get it.
    public var json: String

    public init(topic: String, json: String) {
        self.topic = topic
        self.json = json
    }
}

/// Sends site events to the other hubs sharing the database, and hands this hub the ones they
/// send. Delivery is live only: a hub that is down misses them, as its viewers do. Stored data
/// never depends on it (records are read from the database).
public protocol SiteBroadcast: Sendable {
    /// False when this hub is the whole site: nothing needs building for others.
    var reachesOtherHubs: Bool { get }
    /// Sends `event` to every other hub; never waits (events are batched and sent in order).
    func send(_ event: SiteEvent)
    /// Calls `handler` with every event another hub sends.
    func subscribe(_ handler: @escaping @Sendable (SiteEvent) -> Void)
}

/// One hub alone: there is no one else to tell.
public struct LoneHubBroadcast: SiteBroadcast {
    public init() {}
    public var reachesOtherHubs: Bool { false }
    public func send(_ event: SiteEvent) {}
    public func subscribe(_ handler: @escaping @Sendable (SiteEvent) -> Void) {}
}
