public import Foundation

/// Writes JSON text from the values `JSONSerialization` reads (and plain Swift dictionaries,
/// arrays, strings, numbers and booleans), keys sorted.
///
/// `JSONSerialization.data(withJSONObject:)` bridges every dictionary to `NSDictionary` and sorts
/// keys with locale-aware comparison; on Linux that took 61% of the hub's CPU under a Socket.IO
/// load of LPR events (`perf record` on `bench/lpr_events.py`). This writer walks the values
/// directly. The Socket.IO layer uses it for the text it frames, the server for its answers.
public enum JSONText {
    /// ISO 8601 with fractional seconds, the form the seeds' Python servers print.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }

    public static func encode(_ value: Any) -> String {
        var out = ""
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    public static func write(_ value: Any, into out: inout String) {
        // The common types by identity first: a failed `as?` on `Any` tries every bridge and
        // costs more than the writing itself.
        switch ObjectIdentifier(type(of: value)) {
        case ObjectIdentifier(String.self): writeString(value as! String, into: &out)
        case ObjectIdentifier([String: Any].self): writeObject(value as! [String: Any], into: &out)
        case ObjectIdentifier([Any].self): writeArray(value as! [Any], into: &out)
        case ObjectIdentifier(NSNumber.self): writeNumber(value as! NSNumber, into: &out)
        case ObjectIdentifier(Int.self): out += String(value as! Int)
        case ObjectIdentifier(Bool.self): out += (value as! Bool) ? "true" : "false"
        case ObjectIdentifier(Double.self): writeDouble(value as! Double, into: &out)
        case ObjectIdentifier(NSNull.self): out += "null"
        case ObjectIdentifier(Raw.self): out += (value as! Raw).text
        default: writeOther(value, into: &out)
        }
    }

    private static func writeObject(_ object: [String: Any], into out: inout String) {
        out += "{"
        var first = true
        for key in object.keys.sorted() {
            if !first { out += "," }
            first = false
            writeString(key, into: &out)
            out += ":"
            write(object[key]!, into: &out)
        }
        out += "}"
    }

    private static func writeArray(_ array: [Any], into out: inout String) {
        out += "["
        for (index, element) in array.enumerated() {
            if index > 0 { out += "," }
            write(element, into: &out)
        }
        out += "]"
    }

    /// Less common shapes (`[String]`, `[[String: Any]]`, NSNumber subclasses): by cast.
    private static func writeOther(_ value: Any, into out: inout String) {
        switch value {
        case let text as String:
            writeString(text, into: &out)
        case let object as [String: Any]:
            writeObject(object, into: &out)
        case let array as [Any]:
            writeArray(array, into: &out)
        case let bool as Bool where type(of: value) == Bool.self:
            out += bool ? "true" : "false"
        case let integer as Int where type(of: value) == Int.self:
            out += String(integer)
        case let double as Double where type(of: value) == Double.self:
            writeDouble(double, into: &out)
        case let number as NSNumber:
            writeNumber(number, into: &out)
        case let raw as Raw:
            out += raw.text
        case is NSNull:
            out += "null"
        default:
            // Nothing else is put in these trees; a stray value is written as its description.
            writeString("\(value)", into: &out)
        }
    }

    /// JSON text that is written as it is (it must be valid JSON).
    public struct Raw {
        public let text: String
        public init(text: String) { self.text = text }
    }

    private static func writeNumber(_ number: NSNumber, into out: inout String) {
        if isBool(number) {
            out += number.boolValue ? "true" : "false"
            return
        }
        switch String(cString: number.objCType) {
        case "d", "f": writeDouble(number.doubleValue, into: &out)
        case "Q", "L", "I", "S", "C": out += String(number.uint64Value)
        default: out += String(number.int64Value)
        }
    }

    private static func writeDouble(_ double: Double, into out: inout String) {
        guard double.isFinite else {
            out += "null"
            return
        }
        if double == double.rounded(), abs(double) < 1e15 {
            out += String(Int64(double))
        } else {
            out += String(double)
        }
    }

    /// A JSON string literal.
    public static func string(_ text: String) -> String {
        var out = ""
        writeString(text, into: &out)
        return out
    }

    /// A JSON array of strings (the stores' list columns).
    public static func strings(_ list: [String]) -> String {
        var out = "["
        for (index, text) in list.enumerated() {
            if index > 0 { out += "," }
            writeString(text, into: &out)
        }
        return out + "]"
    }

    /// JSON `true`/`false` arrive from `JSONSerialization` as NSNumbers too; they are the ones
    /// typed `c` (char).
    public static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    static func writeString(_ text: String, into out: inout String) {
        out += "\""
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            plain = false
            break
        }
        if plain {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
