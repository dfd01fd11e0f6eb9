import CamHubCore
import CamHubPush
@testable import CamHubServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import NIOCore
import NIOWebSocket
import Testing

/// The seed 003 push protocol through a real WebSocket.
@Suite("WebSocket push ingest")
struct PushIngestTests {
    static func le(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }

    func makeHub() async throws -> TestHub {
        let test = try await TestHub()
        try await test.hub.cameras.create(Camera(id: "7", name: "Door", kind: .pushed, source: "websocket"))
        return test
    }

    @Test func framesPushedPieceByPieceReachTheFeed() async throws {
        let test = try await makeHub()
        let jpeg = try test.publishPicture("scratch").jpeg
        let token = test.hub.pushTokens.token(for: 7)
        try await test.application().test(.live) { client in
            let close = try await client.ws("/video-input-stream") { _, outbound, _ in
                try await outbound.write(.binary(ByteBuffer(bytes: Self.le(7))))
                try await outbound.write(.binary(ByteBuffer(bytes: Self.le(UInt32(token.utf8.count)) + Array(token.utf8))))
                for _ in 0..<3 {
                    try await outbound.write(.binary(ByteBuffer(bytes: Self.le(UInt32(jpeg.count)) + jpeg)))
                }
                // Wait until the hub has them, then leave normally.
                let deadline = ContinuousClock.now + .seconds(5)
                while test.hub.frames.existingFeed(for: "7")?.statistics().framesIn ?? 0 < 3, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            #expect(close?.closeCode == .normalClosure)
        }
        let feed = try #require(test.hub.frames.existingFeed(for: "7"))
        #expect(feed.statistics().framesIn == 3)
        #expect(feed.newest?.jpeg == jpeg)
        #expect(feed.newest?.width == 640)
    }

    /// Sends `bytes` in one message and returns how the hub closed the socket.
    func closeCode(after bytes: [UInt8], test: TestHub) async throws -> (code: String, reason: String?) {
        try await test.application().test(.live) { client in
            let close = try await client.ws("/video-input-stream") { inbound, outbound, _ in
                try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                for try await _ in inbound {}
            }
            return (close.map { "\($0.closeCode)" } ?? "none", close?.reason)
        }
    }

    @Test func anUnknownCameraIsRefusedWithPolicyViolation() async throws {
        let test = try await makeHub()
        let (code, reason) = try await closeCode(after: Self.le(99), test: test)
        #expect(code == "\(WebSocketErrorCode.policyViolation)")
        #expect(reason == "unknown camera id 99")
    }

    @Test func aWrongTokenIsRefusedWithPolicyViolation() async throws {
        let test = try await makeHub()
        let wrong = test.hub.pushTokens.token(for: 8)
        let (code, reason) = try await closeCode(after: Self.le(7) + Self.le(UInt32(wrong.utf8.count)) + Array(wrong.utf8), test: test)
        #expect(code == "\(WebSocketErrorCode.policyViolation)")
        #expect(reason == "invalid token for camera 7")
        #expect(test.hub.pushStatistics.current.refused == 1)
    }

    @Test func anOversizedFrameIsRefusedWithMessageTooLarge() async throws {
        let test = try await makeHub()
        let token = test.hub.pushTokens.token(for: 7)
        let declared = UInt32(test.hub.configuration.hub.maxFrameBytes + 1)
        let bytes = Self.le(7) + Self.le(UInt32(token.utf8.count)) + Array(token.utf8) + Self.le(declared)
        let (code, _) = try await closeCode(after: bytes, test: test)
        #expect(code == "\(WebSocketErrorCode.messageTooLarge)")
    }

    @Test func aBrowserSocketGetsEachNewFrameAsABinaryMessage() async throws {
        let test = try await makeHub()
        let feed = test.hub.frames.feed(for: "testpattern")
        try await test.application().test(.live) { client in
            _ = try await client.ws("/cameras/testpattern/ws") { inbound, _, _ in
                let deadline = ContinuousClock.now + .seconds(5)
                while feed.statistics().viewers == 0, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                let sent = test.publish(marker: 3)
                var iterator = inbound.makeAsyncIterator()
                let message = try await iterator.next()
                #expect(message?.opcode == .binary)
                #expect(message.map { Array(buffer: $0.data) } == sent.jpeg)
            }
        }
    }

    @Test func plainRequestsToWebSocketPathsGetJSONErrors() async throws {
        let test = try await makeHub()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/video-input-stream", method: .get) { response in
                #expect(response.status == .upgradeRequired)
                #expect(response.errorBody?["code"] as? String == "upgrade_required")
            }
            try await client.execute(uri: "/cameras/nope/ws", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
