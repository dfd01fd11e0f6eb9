public import CamHubCore
public import Hummingbird
import Foundation

/// The JSON error every route returns: `{"error": {"code": ..., "message": ...}}`.
public struct APIError: Error, HTTPResponseError {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Field-level problems of a 422, also sent as FastAPI's `detail` list for seed 000 clients.
    let problems: [FieldProblem]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.init(status, code: code, message, problems: [])
    }

    init(_ status: HTTPResponse.Status, code: String, _ message: String, problems: [FieldProblem]) {
        self.status = status
        self.code = code
        self.message = message
        self.problems = problems
    }

    /// A 422 naming every bad field.
    static func validation(_ problems: [FieldProblem]) -> APIError {
        APIError(.unprocessableContent, code: "invalid", ValidationFailure(problems).message, problems: problems)
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
            struct Problem: Encodable {
                let loc: [String]
                let msg: String
                let type: String
            }
            /// FastAPI's `detail`: the list of problems on a 422, the message otherwise, so seed 000
            /// clients that read `['detail']` find it on every error.
            enum FastAPIDetail: Encodable {
                case message(String)
                case problems([Problem])

                func encode(to encoder: any Encoder) throws {
                    var c = encoder.singleValueContainer()
                    switch self {
                    case .message(let text): try c.encode(text)
                    case .problems(let list): try c.encode(list)
                    }
                }
            }
            let error: Detail
            let detail: FastAPIDetail
        }
        let detail: Envelope.FastAPIDetail =
            problems.isEmpty
            ? .message(message)
            : .problems(problems.map { Envelope.Problem(loc: ["body"] + ($0.field.map { [$0] } ?? []), msg: $0.message, type: $0.kind) })
        return (try? JSONEncoder().encode(Envelope(error: .init(code: code, message: message), detail: detail))) ?? Data()
    }

    /// The HTTP form of a domain error. Statuses live here and nowhere else.
    public init(_ error: CamHubError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .notFound: .notFound
            case .badRequest, .badJSON: .badRequest
            case .invalid: .unprocessableContent
            case .conflict, .stopped: .conflict
            case .unauthorized: .unauthorized
            case .tooLarge: .contentTooLarge
            case .unavailable, .databaseUnavailable: .serviceUnavailable
            case .insufficientStorage: .insufficientStorage
            default: .internalServerError
            }
        // A 500's message is hidden, except a failing disk's, which the operator needs to know.
        let message = status == .internalServerError && error.code != .diskError ? "internal error" : error.message
        self.init(status, code: error.code.rawValue, message)
    }

    public static func insufficientStorage(_ message: String) -> APIError {
        APIError(.insufficientStorage, code: CamHubError.Code.insufficientStorage.rawValue, message)
    }

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "bad_request", message) }
    public static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, code: "unauthorized", message) }
}

extension HTTPResponse.Status {
    /// 507 (RFC 4918): the server cannot store what the request needs stored.
    static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
}
