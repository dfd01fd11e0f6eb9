import Synchronization

/// The configuration in force, replaced as a whole when the config is changed while running
/// (`PUT /config`, `POST /server/reload-config`, SIGHUP).
public final class ConfigurationStore: Sendable {
    private let value: Mutex<HubConfiguration>

    public init(_ configuration: HubConfiguration) {
        value = Mutex(configuration)
    }

    public var current: HubConfiguration {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
