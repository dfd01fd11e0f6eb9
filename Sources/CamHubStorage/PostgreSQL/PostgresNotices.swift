import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Notices between the hubs that share one database, through PostgreSQL's `LISTEN/NOTIFY`.
///
/// One channel per schema (`camhub.<schema>`); a notice is one line, `<topic> <body>`. Triggers
/// send the registry's changes (`camera <version> <id>`), so every writer is heard, whichever
/// hub or tool it is; hubs send the rest with `pg_notify`. A notice is delivered when its
/// transaction commits, to every listening connection, this hub's own included.
///
/// One connection of its own listens for as long as the hub runs, and is reconnected when it is
/// lost (after 1 s, then at most every 5 s). Notices sent while nobody listened are gone, so
/// whoever keeps state that notices correct is told about the gap (`onGap`): when the listener is
/// lost, and again when it listens anew.
final class PostgresNotices: Sendable {
    let channel: String
    /// This process among the listeners, so what it sent itself can be told apart.
    let listenerID = String(UUID().uuidString.prefix(8).lowercased())
    /// The listening connection's `application_name`, to tell it apart in `pg_stat_activity`.
    var connectionName: String { "camhub notices \(listenerID)" }
    private let state = Mutex(State())

    private struct State {
        var listening = false
        var handlers: [String: [@Sendable (Substring) -> Void]] = [:]
        var gapHandlers: [@Sendable () -> Void] = []
    }

    init(schema: String) {
        channel = "camhub.\(schema)"
    }

    /// True while notices are being heard; state corrected by notices is trusted only then.
    var isListening: Bool { state.withLock { $0.listening } }

    /// Calls `handler` with the body of every notice on `topic`, on the listener's task: keep it short.
    func subscribe(_ topic: String, _ handler: @escaping @Sendable (Substring) -> Void) {
        state.withLock { $0.handlers[topic, default: []].append(handler) }
    }

    /// Calls `handler` whenever notices may have been missed.
    func onGap(_ handler: @escaping @Sendable () -> Void) {
        state.withLock { $0.gapHandlers.append(handler) }
    }

    /// Listens until the calling task is cancelled, reconnecting when the connection is lost.
    func run(configuration: PostgresConnection.Configuration, logger: Logger) async {
        var configuration = configuration
        configuration.options.additionalStartupParameters.append(("application_name", connectionName))
        var delay: Duration = .seconds(1)
        var id = 1
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
                id += 1
                do {
                    try await connection.listen(on: channel) { notices in
                        setListening(true)
                        delay = .seconds(1)
                        for try await notice in notices { deliver(notice.payload) }
                    }
                    try? await connection.close()
                } catch {
                    try? await connection.close()
                    throw error
                }
                if !Task.isCancelled { logger.warning("database: stopped hearing other hubs' changes (the connection closed); reconnecting") }
            } catch where !Task.isCancelled {
                logger.warning("database: stopped hearing other hubs' changes; reconnecting", metadata: ["error": "\(PostgresDatabase.explain(error))"])
            } catch {}
            setListening(false)
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    private func setListening(_ listening: Bool) {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            guard state.listening != listening else { return [] }
            state.listening = listening
            return state.gapHandlers
        }
        for handler in handlers { handler() }
    }

    func deliver(_ payload: String) {
        let topic = payload.prefix { $0 != " " }
        let body = payload.dropFirst(topic.count + 1)
        let handlers = state.withLock { $0.handlers[String(topic)] ?? [] }
        for handler in handlers { handler(body) }
    }
}
