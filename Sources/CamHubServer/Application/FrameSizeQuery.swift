import CamHubCore
import Hummingbird

/// The `?size=WxH` query of snapshot and stream routes.
enum FrameSizeQuery {
    /// Nil when the request has no `size`; a 400 when it has one that is not `WxH` within 16...7680.
    static func parse(_ request: Request) throws -> FrameSize? {
        guard let text = request.uri.queryParameters["size"].map(String.init) else { return nil }
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
            (16...7680).contains(width), (16...7680).contains(height)
        else {
            throw APIError.badRequest("size must be WxH with each side between 16 and 7680, got '\(text)'")
        }
        return FrameSize(width: width, height: height)
    }
}
