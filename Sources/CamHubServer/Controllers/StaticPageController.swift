import Foundation
import Hummingbird
import NIOCore

/// The web page at `/` and the OpenAPI document at `/openapi.json`, both read once from the
/// target's resources at start.
struct StaticPageController {
    let indexPage: ByteBuffer
    let openAPIDocument: ByteBuffer

    init() throws {
        indexPage = try Self.resource("index", "html")
        openAPIDocument = try Self.resource("openapi", "json")
    }

    var endpoints: RouteCollection<HubRequestContext> {
        let routes = RouteCollection(context: HubRequestContext.self)
        routes.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: indexPage))
        }
        routes.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: openAPIDocument))
        }
        return routes
    }

    static func resource(_ name: String, _ ext: String) throws -> ByteBuffer {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Resources/\(name).\(ext)"])
        }
        return ByteBuffer(bytes: try Data(contentsOf: url))
    }
}
