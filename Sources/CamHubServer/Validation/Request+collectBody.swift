import Hummingbird
import NIOCore

extension Request {
    /// The whole body, or a JSON 413 naming the limit when it is larger than `limit` bytes.
    func collectBody(limit: Int, what: String = "body") async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, code: "too_large", "\(what) is larger than \(limit) bytes")
        }
    }
}
