import CamHubCore
import Foundation
import Hummingbird
import NIOCore

/// Encodes a value as a JSON response. Response types spell their keys out with `CodingKeys`, so
/// the wire names (snake_case, as the seeds use) are visible where the type is declared.
enum JSONResponse {
    /// A JSON object built from dictionaries (the answers whose shapes follow an original
    /// server's), written with camhub's JSON writer.
    static func object(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: JSONText.encode(object)))
        )
    }

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
