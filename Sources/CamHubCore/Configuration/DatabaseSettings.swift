public import Foundation

/// Where the hub keeps its state: `database.url` (`CAMHUB_DATABASE_URL`, `--database-url`).
public struct DatabaseSettings: Sendable, Equatable {
    /// Unset or `sqlite:`: `camhub.sqlite` in the data dir; `sqlite:/path/file.sqlite` (relative
    /// paths are taken from the data dir); `postgres://user:password@host:port/dbname?sslmode=...`.
    public var url: String? = nil

    public init() {}

    /// The parsed `url`; validation has checked it.
    public var location: DatabaseLocation {
        (try? DatabaseLocation(parsing: url)) ?? .sqlite(path: nil)
    }
}

extension DatabaseSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case url
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        url = try c.value(.url, default: url)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
    }
}

/// A parsed `database.url`.
public enum DatabaseLocation: Sendable, Equatable {
    /// A file; nil is `camhub.sqlite` in the data dir, a relative path is taken from the data dir.
    case sqlite(path: String?)
    case postgres(PostgresAddress)

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(parsing text: String?) throws(Invalid) {
        guard let text, !text.isEmpty, text != "sqlite:" else {
            self = .sqlite(path: nil)
            return
        }
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw Invalid(description: "sqlite: needs a file path after it, or nothing") }
            self = .sqlite(path: path)
            return
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresAddress(parsing: text))
            return
        }
        throw Invalid(description: "must start with sqlite: or postgres://, got '\(PostgresAddress.redacted(text))'")
    }

    /// The SQLite file, for a data dir.
    public func sqliteFile(in dataDirectory: URL) -> URL? {
        guard case .sqlite(let path) = self else { return nil }
        guard let path else { return dataDirectory.appendingPathComponent("camhub.sqlite") }
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : dataDirectory.appendingPathComponent(path)
    }
}

/// `postgres://user:password@host:port/dbname?sslmode=disable|prefer|require&schema=name`.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// The schema camhub's tables live in; `public` unless the URL says `schema=`.
    public var schema: String

    public init(
        host: String, port: Int = 5432, user: String, password: String?, database: String, sslMode: SSLMode = .prefer,
        schema: String = "public"
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.schema = schema
    }

    public init(parsing text: String) throws(DatabaseLocation.Invalid) {
        func invalid(_ why: String) -> DatabaseLocation.Invalid { .init(description: why + " (in '\(Self.redacted(text))')") }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw invalid("not a postgres://user:password@host:port/dbname URL")
        }
        guard let user = components.user, !user.isEmpty else { throw invalid("names no user") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw invalid("names no database (…/dbname)") }
        var sslMode = SSLMode.prefer
        var schema = "public"
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(SSLMode.init) else {
                    throw invalid("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "schema":
                guard let value = item.value, Self.isIdentifier(value) else { throw invalid("schema must be lowercase letters, digits and _") }
                schema = value
            default:
                throw invalid("unknown parameter '\(item.name)' (sslmode and schema are understood)")
            }
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw invalid("port must be between 1 and 65535") }
        self.init(
            host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: port,
            user: user.removingPercentEncoding ?? user, password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.removingPercentEncoding ?? database, sslMode: sslMode, schema: schema
        )
    }

    /// The URL with its password as `***`, even when the rest of it is malformed.
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", options: .backwards), at.lowerBound > scheme.upperBound else {
            return text
        }
        let userinfo = text[scheme.upperBound..<at.lowerBound]
        guard let colon = userinfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":" + URLCredentials.mask + String(text[at.lowerBound...])
    }

    /// `host:port/dbname`, never the password: for logs and errors.
    public var description: String { "\(host):\(port)/\(database)" }

    /// A lowercase SQL identifier, safe to write into a statement unquoted.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase || first == "_", text.count <= 63 else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }
}
