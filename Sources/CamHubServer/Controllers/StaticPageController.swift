import Foundation
import Hummingbird
import NIOCore

/// The web app (`/`, `/app/app.js`, `/app/app.css`) and the OpenAPI document at `/openapi.json`,
/// read once from the target's resources at start. Nothing comes from a CDN; it works offline.
struct StaticPageController {
    let hub: Hub
    let indexPage: ByteBuffer
    let openAPIDocument: ByteBuffer
    /// The app's files by name, with their content types.
    let appFiles: [String: (type: String, body: ByteBuffer)]

    init(hub: Hub) throws {
        self.hub = hub
        indexPage = try Self.resource("web/index", "html")
        openAPIDocument = try Self.resource("openapi", "json")
        appFiles = [
            "app.js": ("text/javascript; charset=utf-8", try Self.resource("web/app", "js")),
            "app.css": ("text/css; charset=utf-8", try Self.resource("web/app", "css")),
            "motion.js": ("text/javascript; charset=utf-8", try Self.resource("web/motion", "js")),
        ]
    }

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("/") { request, _ in
            // Browsers ask for HTML and get the web app; programs get the originals' root JSON.
            guard Self.wantsHTML(request) else {
                return JSONResponse.object(try await RootAnswers.index(hub: hub, host: Self.host(request)))
            }
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"], body: .init(byteBuffer: indexPage))
        }
        routes.get("websocket") { request, _ in
            JSONResponse.object(RootAnswers.websocket(host: Self.host(request)))
        }
        routes.get("app/{file}") { _, context in
            let name = try context.parameters.require("file")
            guard let file = appFiles[name] else { throw APIError(.notFound, code: "not_found", "no app file '\(name.prefix(64))'") }
            return Response(status: .ok, headers: [.contentType: file.type, .cacheControl: "no-cache"], body: .init(byteBuffer: file.body))
        }
        routes.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: openAPIDocument))
        }
        return routes
    }

    static func wantsHTML(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/html") == true
    }

    static func host(_ request: Request) -> String {
        request.head.authority ?? "127.0.0.1"
    }

    static func resource(_ path: String, _ ext: String) throws -> ByteBuffer {
        guard let url = Bundle.module.url(forResource: path, withExtension: ext, subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Resources/\(path).\(ext)"])
        }
        return ByteBuffer(bytes: try Data(contentsOf: url))
    }
}
