/// A domain error: a stable code a client can switch on, and a message a person can read.
///
/// The server layer maps codes to HTTP statuses; nothing here knows about HTTP.
public struct CamHubError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let notFound = Code(rawValue: "not_found")
        public static let badRequest = Code(rawValue: "bad_request")
        /// A body that is not JSON at all.
        public static let badJSON = Code(rawValue: "bad_json")
        public static let invalid = Code(rawValue: "invalid")
        public static let conflict = Code(rawValue: "conflict")
        public static let unauthorized = Code(rawValue: "unauthorized")
        public static let tooLarge = Code(rawValue: "too_large")
        public static let unavailable = Code(rawValue: "unavailable")
        public static let storage = Code(rawValue: "storage")
        /// The disk (or the database) is full: nothing could be written.
        public static let insufficientStorage = Code(rawValue: "insufficient_storage")
        /// The disk failed a read or write (an I/O error): nothing was stored.
        public static let diskError = Code(rawValue: "disk_error")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func notFound(_ message: String) -> CamHubError { .init(.notFound, message) }
    public static func badRequest(_ message: String) -> CamHubError { .init(.badRequest, message) }
    public static func badJSON(_ message: String) -> CamHubError { .init(.badJSON, message) }
    public static func invalid(_ message: String) -> CamHubError { .init(.invalid, message) }
    public static func conflict(_ message: String) -> CamHubError { .init(.conflict, message) }
    public static func unavailable(_ message: String) -> CamHubError { .init(.unavailable, message) }
    public static func insufficientStorage(_ message: String) -> CamHubError { .init(.insufficientStorage, message) }
}
