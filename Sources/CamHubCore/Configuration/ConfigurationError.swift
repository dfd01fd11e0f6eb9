/// A configuration value that cannot be used, naming the key so the operator can fix it.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted path of the value, such as `server.port` or `cameras[0].fps`, or an environment
    /// variable's name.
    public var key: String
    public var message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}
