import CamHubPush
import Foundation
import Testing

@Suite("Seed 003 viewer greeting")
struct ViewerGreetingTests {
    static func le(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

    @Test func theFrontendsLengthAndJSON() throws {
        // What camera-frontend's initializeConnection sends, in one message.
        let json = Array(#"{"token":"fake token","cameraId":7}"#.utf8)
        #expect(try ViewerGreeting(parsing: Self.le(UInt32(json.count)) + json) == ViewerGreeting(cameraID: 7, token: "fake token"))
    }

    @Test func anOlderFrontendsBareID() throws {
        #expect(try ViewerGreeting(parsing: Self.le(42)) == ViewerGreeting(cameraID: 42))
    }

    @Test func badGreetingsAreRefused() {
        let json = Array(#"{"cameraId":7}"#.utf8)
        #expect(throws: ViewerGreeting.Failure.tooShort(2)) { try ViewerGreeting(parsing: [1, 0]) }
        #expect(throws: ViewerGreeting.Failure.badLength(declared: 99, actual: json.count)) { try ViewerGreeting(parsing: Self.le(99) + json) }
        #expect(throws: ViewerGreeting.Failure.notJSON) { try ViewerGreeting(parsing: Self.le(3) + Array("{x}".utf8)) }
        #expect(throws: ViewerGreeting.Failure.noCameraID) { try ViewerGreeting(parsing: Self.le(2) + Array("{}".utf8)) }
        #expect(throws: ViewerGreeting.Failure.noCameraID) { try ViewerGreeting(parsing: Self.le(0)) }
        let negative = Array(#"{"cameraId":-1}"#.utf8)
        #expect(throws: ViewerGreeting.Failure.noCameraID) { try ViewerGreeting(parsing: Self.le(UInt32(negative.count)) + negative) }
    }

    @Test func randomBytesNeverCrashIt() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? ViewerGreeting(parsing: bytes)
        }
    }
}
