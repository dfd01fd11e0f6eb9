public import CamHubCore
public import Hummingbird
import Foundation

/// The JSON error every route returns: `{"error": {"code": ..., "message": ...}}`.
public struct APIError: Error, HTTPResponseError {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: jsonBody))
        )
    }

    var jsonBody: Data {
        struct Envelope: Encodable {
            struct Detail: Encodable {
                let code: String
                let message: String
            }
            let error: Detail
        }
        return (try? JSONEncoder().encode(Envelope(error: .init(code: code, message: message)))) ?? Data()
    }

    /// The HTTP form of a domain error. Statuses live here and nowhere else.
    public init(_ error: CamHubError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .notFound: .notFound
            case .badRequest: .badRequest
            case .invalid: .unprocessableContent
            case .conflict: .conflict
            case .unauthorized: .unauthorized
            case .tooLarge: .contentTooLarge
            case .unavailable: .serviceUnavailable
            default: .internalServerError
            }
        let message = status == .internalServerError ? "internal error" : error.message
        self.init(status, code: error.code.rawValue, message)
    }

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "bad_request", message) }
}
