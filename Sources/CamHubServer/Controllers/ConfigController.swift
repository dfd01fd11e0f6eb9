import CamHubCapture
import CamHubCore
import Foundation
import Hummingbird

/// The configuration while the hub runs (seed 001): read it, replace it, reload it from the file,
/// and restart the cameras. All of them are operator calls.
struct ConfigController {
    let hub: Hub
    static let secret = "***"

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("config", use: config)
        routes.put("config", use: replace)
        routes.post("server/reload-config", use: reload)
        routes.post("camera/restart", use: restart)
        return routes
    }

    /// The configuration in force, in the config file's shape, with secrets replaced by `"***"`.
    /// `?source=file` gives the file itself, without the environment and command line on top: what
    /// the web app's settings page edits.
    @Sendable func config(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        switch request.uri.queryParameters["source"].map(String.init) {
        case nil, "effective":
            return try JSONResponse.make(Self.redacted(hub.configuration))
        case "file":
            return try JSONResponse.make(Self.redacted(try fileConfiguration()))
        case let other?:
            throw APIError.badRequest("source must be effective or file, got '\(other.prefix(20))'")
        }
    }

    /// `PUT /config`: the config file, changed by what the body names (`ConfigurationLoader.merge`:
    /// a key left out keeps its value, so a seed 001 client that sends its `server` section does
    /// not drop camhub's tokens). A bad value gets 422 naming the key and changes nothing; a good
    /// one is written to the file atomically and applied. A secret sent back as `"***"` keeps its
    /// current value.
    @Sendable func replace(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let body = try await request.collectBody(limit: 1024 * 1024, what: "config")
        // A config file that no longer reads (edited by hand, say) is replaced on top of the
        // configuration in force.
        let base = (try? fileConfiguration()) ?? hub.configuration
        var file: HubConfiguration
        do {
            file = try ConfigurationLoader.merge(Data(buffer: body), over: base)
        } catch {
            throw Self.invalid(error)
        }
        Self.keepSecrets(&file, from: hub.configuration)
        try Self.refuseLocalSources(in: file, current: hub.configuration)
        do {
            return try JSONResponse.make(try await hub.reconfigure(with: file, write: true, logger: context.logger))
        } catch let error as ConfigurationError {
            throw Self.invalid(error)
        }
    }

    /// The config file as it is (the configuration in force when there is none yet).
    private func fileConfiguration() throws -> HubConfiguration {
        FileManager.default.fileExists(atPath: hub.paths.configFile.path) ? try ConfigurationLoader.read(hub.paths.configFile) : hub.configuration
    }

    /// `POST /server/reload-config`: reads the config file again and applies it, as SIGHUP does.
    @Sendable func reload(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        do {
            return try JSONResponse.make(try await hub.reloadConfigurationFile(logger: context.logger))
        } catch let error as ConfigurationError {
            throw Self.invalid(error)
        }
    }

    /// `POST /camera/restart[?id=]`: restarts a configured camera's source (all of them without
    /// `id`), keeping its viewers.
    @Sendable func restart(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await hub.access.requireOperator(request, context: context)
        let id = request.uri.queryParameters["id"].map(String.init)
        if let id, !hub.localCameras.cameras.contains(where: { $0.id == id }) {
            throw CamHubError.notFound("'\(id)' is not a configured camera")
        }
        let restarted = hub.localCameras.restart(id)
        context.logger.notice("cameras restarted", metadata: ["cameras": "\(restarted)"])
        return try JSONResponse.make(Restarted(restarted: restarted))
    }

    /// Seed 001's `{success, message}`, with the cameras restarted.
    struct Restarted: Encodable {
        let success = true
        let message = "Camera restart successful"
        let restarted: [CameraID]

        enum CodingKeys: String, CodingKey {
            case success, message, restarted
        }
    }

    static func invalid(_ error: any Error) -> APIError {
        guard let error = error as? ConfigurationError else {
            return APIError.validation([FieldProblem(field: nil, message: "\(error)", kind: "value_error")])
        }
        return APIError.validation([FieldProblem(field: error.key, message: error.message, kind: "value_error")])
    }

    /// Through the API, a camera may not be given a source that reads this machine's files
    /// (whatever it reads is served to its viewers) unless the config file says
    /// `sources.allow_local`; the ones it has already keep theirs. `sources` itself is the file's.
    static func refuseLocalSources(in file: HubConfiguration, current: HubConfiguration) throws {
        guard file.sources == current.sources else {
            throw APIError.validation([FieldProblem(field: "sources.allow_local", message: "can only be changed in the config file itself", kind: "value_error")])
        }
        guard !current.sources.allowLocal else { return }
        let existing = Set(current.cameras.map { "\($0.id)\u{0}\($0.source)" })
        for (index, camera) in file.cameras.enumerated() where SourceKind(camera.source)?.readsLocalFiles == true {
            guard !existing.contains("\(camera.id)\u{0}\(camera.source)") else { continue }
            throw APIError.validation([FieldProblem(
                field: "cameras[\(index)].source",
                message: "reads this machine's files, which only the config file may name (or set sources.allow_local in it); through the API use a network source (http(s)://, rtsp(s)://), a video device or testpattern",
                kind: "value_error"
            )])
        }
    }

    static func redacted(_ configuration: HubConfiguration) -> HubConfiguration {
        var shown = configuration
        if shown.vlm.apiKey != nil { shown.vlm.apiKey = secret }
        if shown.registration.token != nil { shown.registration.token = secret }
        if shown.push.secret != nil { shown.push.secret = secret }
        if shown.push.legacySecret != nil { shown.push.legacySecret = secret }
        if shown.lpr.token != nil { shown.lpr.token = secret }
        shown.database.url = shown.database.url.map(PostgresAddress.redacted)
        for index in shown.webhooks.indices { shown.webhooks[index].secret = secret }
        for index in shown.cameras.indices {
            shown.cameras[index].source = SourceAddress.redacted(shown.cameras[index].source)
        }
        return shown
    }

    /// Secrets sent back as `"***"` (as `GET /config` shows them) keep their current values.
    static func keepSecrets(_ file: inout HubConfiguration, from current: HubConfiguration) {
        if file.vlm.apiKey == secret { file.vlm.apiKey = current.vlm.apiKey }
        if file.registration.token == secret { file.registration.token = current.registration.token }
        if file.push.secret == secret { file.push.secret = current.push.secret }
        if file.push.legacySecret == secret { file.push.legacySecret = current.push.legacySecret }
        if file.lpr.token == secret { file.lpr.token = current.lpr.token }
        if let url = file.database.url, let currentURL = current.database.url, url == PostgresAddress.redacted(currentURL) {
            file.database.url = currentURL
        }
        // A webhook sent back with its secret as `***` keeps the secret of the webhook with its URL.
        let currentWebhooks = Dictionary(current.webhooks.map { ($0.url, $0.secret) }, uniquingKeysWith: { first, _ in first })
        for index in file.webhooks.indices where file.webhooks[index].secret == secret {
            if let kept = currentWebhooks[file.webhooks[index].url] { file.webhooks[index].secret = kept }
        }
        // A camera URL sent back with its password shown as `***` keeps the current password.
        let currentSources = Dictionary(current.cameras.map { ($0.id, $0.source) }, uniquingKeysWith: { first, _ in first })
        for index in file.cameras.indices {
            if let source = currentSources[file.cameras[index].id], file.cameras[index].source == SourceAddress.redacted(source) {
                file.cameras[index].source = source
            }
        }
    }
}
