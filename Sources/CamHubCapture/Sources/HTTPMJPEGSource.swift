import AsyncHTTPClient
import CamHubCore
import Foundation
import NIOCore

/// An IP camera or any MJPEG server (camhub included) read over HTTP: the multipart stream is
/// split natively and each JPEG is passed through without re-encoding.
///
/// The source ends with an error when the connection fails or the stream ends; the camera's
/// supervisor (`LocalCameras`) starts it again after its retry delay.
public struct HTTPMJPEGSource: FrameSource {
    public let url: String
    public let maxFrameBytes: Int
    /// How long to wait for the server's answer.
    public let timeout: Duration

    /// The sources' own client: a stream that sends nothing for 10 s (a camera that hangs with the
    /// connection open) fails and is reconnected, where the shared client would wait 90 s.
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(10), read: .seconds(10)))
    )

    public init(url: String, maxFrameBytes: Int = 8 * 1024 * 1024, timeout: Duration = .seconds(10)) {
        self.url = url
        self.maxFrameBytes = maxFrameBytes
        self.timeout = timeout
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public func run(into output: CaptureOutput) async throws {
        var request = HTTPClientRequest(url: Self.withoutCredentials(url))
        if let authorization = Self.basicAuthorization(url) {
            request.headers.add(name: "Authorization", value: authorization)
        }
        let response = try await Self.client.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        guard response.status == .ok else { throw Failure(description: "\(SourceAddress.redacted(url)) answered HTTP \(response.status.code)") }
        guard let contentType = response.headers.first(name: "content-type"),
            let boundary = MJPEGStreamParser.boundary(inContentType: contentType)
        else {
            throw Failure(description: "\(SourceAddress.redacted(url)) is not a multipart MJPEG stream (Content-Type: \(response.headers.first(name: "content-type") ?? "none"))")
        }
        var parser = MJPEGStreamParser(boundary: boundary, maxFrameBytes: maxFrameBytes)
        for try await chunk in response.body {
            try Task.checkCancellation()
            parser.append(chunk.readableBytesView)
            while let jpeg = try parser.next() {
                // A part that is not a JPEG (a text part some servers interleave) is skipped.
                guard let header = JPEGHeader(jpeg) else {
                    output.drop()
                    continue
                }
                output.publish(jpeg: jpeg, width: header.width, height: header.height)
            }
        }
        throw Failure(description: "\(SourceAddress.redacted(url)) ended its stream")
    }

    /// `Basic …` for a URL with `user:password@`, as browsers and curl send it; nil without.
    /// (Cameras that only take digest auth can be read through `ffmpeg:` instead.)
    static func basicAuthorization(_ url: String) -> String? {
        guard let credentials = URLCredentials(url), let user = credentials.username else { return nil }
        return "Basic " + Data("\(user):\(credentials.password ?? "")".utf8).base64EncodedString()
    }

    /// The URL without its user and password, which then travel only in the header.
    static func withoutCredentials(_ url: String) -> String {
        URLCredentials(url)?.withoutUserInfo ?? url
    }
}
