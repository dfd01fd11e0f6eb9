@testable import CamHubServer
import Foundation
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    /// Hummingbird writes path parameters as `{id}` or `:id`; OpenAPI wants `{id}`.
    static func openAPIPath(_ routerPath: String) -> String {
        let path = routerPath.split(separator: "/").map { component -> String in
            component.hasPrefix(":") ? "{\(component.dropFirst())}" : String(component)
        }.joined(separator: "/")
        return "/" + path
    }

    @Test func everyRegisteredRouteIsDocumentedAndNothingElse() async throws {
        let test = try await TestHub()
        let router = try HubApplication.buildRouter(hub: test.hub)
        let document = try JSONSerialization.jsonObject(with: Data(buffer: StaticPageController.resource("openapi", "json"))) as? [String: Any]
        let paths = try #require(document?["paths"] as? [String: [String: Any]])
        var registered = Set<String>()
        for route in router.routes {
            let path = Self.openAPIPath(route.path.description)
            let method = route.method.rawValue.lowercased()
            registered.insert("\(method) \(path)")
            #expect(paths[path]?[method] != nil, "\(method.uppercased()) \(path) is not in openapi.json")
        }
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0) \(path)" } })
        #expect(documented == registered, "documented but not routed: \(documented.subtracting(registered))")
        #expect(document?["openapi"] as? String == "3.0.3")
    }
}
