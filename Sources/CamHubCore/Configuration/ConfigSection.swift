import Foundation

/// Any string as a coding key, so a section can list the keys it was given.
struct AnyConfigKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One JSON object of the config, read key by key with defaults, refusing keys it does not know.
struct ConfigSection<Key: CodingKey & CaseIterable & RawRepresentable<String>> {
    let container: KeyedDecodingContainer<Key>
    let path: [any CodingKey]

    /// `alsoKnown`: keys another reader of the same object takes (they are not refused here).
    init(_ decoder: any Decoder, alsoKnown: [String] = []) throws {
        let known = Key.allCases.map(\.rawValue) + alsoKnown
        let given = try decoder.container(keyedBy: AnyConfigKey.self).allKeys
        if let unknown = given.first(where: { !known.contains($0.stringValue) }) {
            throw ConfigurationError(
                key: ConfigurationLoader.dottedPath(decoder.codingPath + [unknown]),
                "unknown key; known keys here: \(known.joined(separator: ", "))"
            )
        }
        container = try decoder.container(keyedBy: Key.self)
        path = decoder.codingPath
    }

    func value<T: Decodable>(_ key: Key, default fallback: T) throws -> T {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return fallback }
        return try decode(key)
    }

    func required<T: Decodable>(_ key: Key) throws -> T {
        guard container.contains(key) else {
            throw ConfigurationError(key: ConfigurationLoader.dottedPath(path + [key]), "is required")
        }
        return try decode(key)
    }

    /// Decodes one value; a wrong type is reported with the key's full path. (Foundation's own
    /// errors lose the path for some cases: 1.5 where an integer belongs escapes as an internal
    /// JSON error with no path at all.)
    private func decode<T: Decodable>(_ key: Key) throws -> T {
        do {
            return try container.decode(T.self, forKey: key)
        } catch let error as ConfigurationError {
            throw error  // from a nested section, already naming its key
        } catch {
            throw ConfigurationError(key: ConfigurationLoader.dottedPath(path + [key]), "expected \(Self.describe(T.self))")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        case is String.Type, is String?.Type: "a string"
        case is Double.Type: "a number"
        case is [LocalCameraSettings].Type: "a list of cameras"
        default: "an object"
        }
    }
}
