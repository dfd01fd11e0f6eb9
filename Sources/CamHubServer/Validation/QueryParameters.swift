import Foundation
import Hummingbird

/// Query parameters the list routes share: numbers in a range and times, a 400 naming the
/// parameter otherwise.
enum QueryParameters {
    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters[Substring(name)].map(String.init) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("\(name) must be an integer between \(range.lowerBound) and \(range.upperBound), got '\(text.prefix(40))'")
        }
        return number
    }

    /// An ISO 8601 date (with or without fractional seconds) or Unix seconds.
    static func date(_ request: Request, _ name: String) throws -> Date? {
        guard let text = request.uri.queryParameters[Substring(name)].map(String.init), !text.isEmpty else { return nil }
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = plain.date(from: text) ?? fractional.date(from: text) { return date }
        throw APIError.badRequest("\(name) must be an ISO 8601 time or Unix seconds, got '\(text.prefix(40))'")
    }
}
