import CamHubCore
import Hummingbird

/// The `?size=WxH` query of snapshot and stream routes.
struct FrameSizeQuery: Equatable {
    let width: Int
    let height: Int

    /// Nil when the request has no `size`; a 400 when it has one that is not `WxH` within 16...7680.
    static func parse(_ request: Request) throws -> FrameSizeQuery? {
        guard let text = request.uri.queryParameters["size"].map(String.init) else { return nil }
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
            (16...7680).contains(width), (16...7680).contains(height)
        else {
            throw APIError.badRequest("size must be WxH with each side between 16 and 7680, got '\(text)'")
        }
        return FrameSizeQuery(width: width, height: height)
    }

    /// Scaled frames arrive with the small-frame work; until then a well-formed size that differs
    /// from the camera's own is refused plainly rather than ignored.
    static func requireNative(_ size: FrameSizeQuery?) throws {
        if size != nil {
            throw APIError(.notImplemented, code: "not_implemented", "scaled frames (?size=) are not available yet")
        }
    }
}
