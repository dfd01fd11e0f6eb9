import CamHubCore
import Foundation
import Hummingbird

extension JSONObject {
    /// Reads at most `limit` bytes of body: 413 past it, 400 for broken JSON, 422 for a non-object.
    static func read(_ request: Request, limit: Int) async throws -> JSONObject {
        try JSONObject(parsing: Data(buffer: try await request.collectBody(limit: limit)))
    }
}
