public import Foundation

/// A JSON object body (a request's, or a Socket.IO event's argument), read field by field.
///
/// Every getter records what is wrong instead of stopping at the first problem, so one answer
/// names every bad field at once, as seed 000's original server (FastAPI) does. Call `check()`
/// after reading to throw them as a `ValidationFailure`. No HTTP here: the server maps the errors.
public final class JSONObject {
    private let fields: [String: Any]
    public private(set) var problems: [FieldProblem] = []

    /// An object that arrived another way (a Socket.IO event argument).
    public init(fields: [String: Any]) {
        self.fields = fields
    }

    /// The names among `names` that are absent, null or empty strings.
    public func missing(_ names: [String]) -> [String] {
        names.filter { name in
            guard let value = fields[name], type(of: value) != NSNull.self else { return true }
            return (value as? String)?.isEmpty == true
        }
    }

    /// A list of JSON objects, kept as it is (no per-element conversion).
    public func objects(_ name: String, maxCount: Int) -> [Any]? {
        guard let raw = present(name, required: false) else { return nil }
        guard let list = raw as? [Any], list.allSatisfy({ $0 is [String: Any] }) else {
            return problem(name, "must be a list of objects", "type_error.list")
        }
        guard list.count <= maxCount else { return problem(name, "must hold at most \(maxCount) objects", "value_error.list") }
        return list
    }

    /// A JSON object, kept as it is.
    public func object(_ name: String) -> [String: Any]? {
        guard let raw = present(name, required: false) else { return nil }
        guard let object = raw as? [String: Any] else { return problem(name, "must be an object", "type_error.dict") }
        return object
    }

    /// Parses a body: `bad_json` for broken JSON, a `ValidationFailure` for anything but an object.
    public init(parsing data: Data) throws {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw CamHubError.badJSON("body is not valid JSON")
        }
        guard let object = value as? [String: Any] else {
            throw ValidationFailure([FieldProblem(field: nil, message: "body must be a JSON object", kind: "type_error.dict")])
        }
        fields = object
    }

    /// Throws a `ValidationFailure` naming every problem recorded so far.
    public func check() throws(ValidationFailure) {
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }

    public func string(_ name: String, required: Bool = false, length: ClosedRange<Int>? = nil) -> String? {
        guard let raw = present(name, required: required) else { return nil }
        guard let text = raw as? String else { return problem(name, "must be a string", "type_error.str") }
        if let length, !length.contains(text.count) {
            return problem(name, "must be \(length.lowerBound) to \(length.upperBound) characters", "value_error.length")
        }
        return text
    }

    public func choice(_ name: String, in allowed: [String], required: Bool = false) -> String? {
        guard let text = string(name, required: required) else { return nil }
        guard allowed.contains(text) else {
            return problem(name, "must be one of \(allowed.joined(separator: ", ")), got '\(text)'", "value_error.enum")
        }
        return text
    }

    public func integer(_ name: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        guard let raw = present(name, required: required) else { return nil }
        guard let number = Self.integer(raw) else { return problem(name, "must be an integer", "type_error.integer") }
        if let range, !range.contains(number) {
            return problem(name, "must be between \(range.lowerBound) and \(range.upperBound)", "value_error.number")
        }
        return number
    }

    public func number(_ name: String, required: Bool = false) -> Double? {
        guard let raw = present(name, required: required) else { return nil }
        guard let number = raw as? NSNumber, !Self.isBool(number) else { return problem(name, "must be a number", "type_error.float") }
        return number.doubleValue
    }

    /// A `[width, height]` pair, each within `range`.
    public func size(_ name: String, range: ClosedRange<Int>) -> (width: Int, height: Int)? {
        guard let raw = present(name, required: false) else { return nil }
        guard let list = raw as? [Any], list.count == 2, let width = Self.integer(list[0]), let height = Self.integer(list[1]) else {
            return problem(name, "must be [width, height]", "type_error.list")
        }
        guard range.contains(width), range.contains(height) else {
            return problem(name, "each side must be between \(range.lowerBound) and \(range.upperBound)", "value_error.number")
        }
        return (width, height)
    }

    public func strings(_ name: String, maxCount: Int, maxLength: Int) -> [String]? {
        guard let raw = present(name, required: false) else { return nil }
        guard let list = raw as? [Any], let texts = list as? [String] else { return problem(name, "must be a list of strings", "type_error.list") }
        guard texts.count <= maxCount, texts.allSatisfy({ (1...maxLength).contains($0.count) }) else {
            return problem(name, "must hold at most \(maxCount) strings of 1 to \(maxLength) characters", "value_error.list")
        }
        return texts
    }

    /// An object of scalar values, kept as strings.
    public func stringMap(_ name: String, maxCount: Int) -> [String: String]? {
        guard let raw = present(name, required: false) else { return nil }
        guard let object = raw as? [String: Any], object.count <= maxCount else {
            return problem(name, "must be an object of at most \(maxCount) entries", "type_error.dict")
        }
        var result: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let text as String: result[key] = text
            case let number as NSNumber: result[key] = Self.isBool(number) ? (number.boolValue ? "true" : "false") : number.stringValue
            default: return problem(name, "values must be strings, numbers or booleans", "type_error.dict")
            }
        }
        return result
    }

    /// The raw JSON value of a field, for values whose type depends on another field.
    public func raw(_ name: String, required: Bool = false) -> Any? {
        present(name, required: required)
    }

    /// Records a problem with a field that a caller checked itself.
    public func reject(_ name: String, _ message: String, kind: String = "value_error") {
        problems.append(FieldProblem(field: name, message: message, kind: kind))
    }

    private func present(_ name: String, required: Bool) -> Any? {
        guard let value = fields[name], type(of: value) != NSNull.self else {
            if required { problems.append(FieldProblem(field: name, message: "field required", kind: "value_error.missing")) }
            return nil
        }
        return value
    }

    private func problem<T>(_ name: String, _ message: String, _ kind: String) -> T? {
        problems.append(FieldProblem(field: name, message: message, kind: kind))
        return nil
    }

    public static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBool(number) else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e15 else { return nil }
        return number.intValue
    }

    public static func isBool(_ number: NSNumber) -> Bool {
        JSONText.isBool(number)
    }
}
