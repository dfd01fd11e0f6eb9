public import Logging
public import ServiceLifecycle

extension Service {
    /// Runs the service until SIGINT or SIGTERM, then stops it gracefully.
    public func runUntilSignalled(logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: self)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}
