import Foundation
import HTTPTypes
import Hummingbird

/// Which methods each route takes, read from the served OpenAPI document (which the route tests
/// keep equal to the router's routes): a request for a route that exists with another method gets
/// 405 with `Allow`, not 404.
struct RouteMethods: Sendable {
    private let routes: [(segments: [Substring], methods: [String])]

    init(openAPI document: Data) {
        let paths = (try? JSONSerialization.jsonObject(with: document) as? [String: Any])?["paths"] as? [String: Any] ?? [:]
        routes = paths.map { path, operations in
            let methods = ((operations as? [String: Any]) ?? [:]).keys.map { $0.uppercased() }.filter { $0 != "PARAMETERS" }.sorted()
            return (path.split(separator: "/"), methods)
        }
    }

    /// The methods the route matching `path` takes; empty when no route matches it.
    func allowed(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        return routes.first { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { template, segment in
                    (template.hasPrefix("{") && template.hasSuffix("}")) || template == segment
                }
        }?.methods ?? []
    }
}

/// 405 with the methods the route takes, as the JSON error every route returns.
struct MethodNotAllowed: Error, HTTPResponseError {
    let method: String
    let path: String
    let allowed: [String]

    var status: HTTPResponse.Status { .methodNotAllowed }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try APIError(.methodNotAllowed, code: "method_not_allowed", "\(path) does not take \(method); it takes \(allowed.joined(separator: ", "))")
            .response(from: request, context: context)
        response.headers[.allow] = allowed.joined(separator: ", ")
        return response
    }
}
