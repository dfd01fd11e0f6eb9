@testable import CamHubCore
import Foundation
import Testing

@Suite("JSON writer")
struct JSONTextTests {
    @Test func swiftValuesAndParsedValuesAreWrittenAsJSON() throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(#"{"b":true,"i":42,"d":0.95,"big":12345678901,"neg":-3,"s":"x\"y\\z\n","n":null,"a":[1,false,{"k":"v"}]}"#.utf8))
        let text = JSONText.encode(parsed)
        #expect(text == #"{"a":[1,false,{"k":"v"}],"b":true,"big":12345678901,"d":0.95,"i":42,"n":null,"neg":-3,"s":"x\"y\\z\n"}"#)
        let swift: [String: Any] = ["ok": true, "count": 3, "ratio": 1.5, "whole": 2.0, "list": ["a", "b"], "raw": JSONText.Raw(text: #"{"r":1}"#), "nothing": NSNull()]
        #expect(JSONText.encode(swift) == #"{"count":3,"list":["a","b"],"nothing":null,"ok":true,"ratio":1.5,"raw":{"r":1},"whole":2}"#)
        #expect(JSONText.encode("\u{01}é") == #""\u0001é""#)
    }

    @Test func whatItWritesParsesBackToTheSameValues() throws {
        let source = #"{"plates":["AB 123","ñ"],"nested":{"deep":[[1.25],[-0.5]]},"flag":false}"#
        let value = try JSONSerialization.jsonObject(with: Data(source.utf8))
        let written = JSONText.encode(value)
        let again = try JSONSerialization.jsonObject(with: Data(written.utf8))
        #expect(JSONText.encode(again) == written)
        #expect(written == #"{"flag":false,"nested":{"deep":[[1.25],[-0.5]]},"plates":["AB 123","ñ"]}"#)
    }

    @Test func listsOfStringsAreWrittenAsJSONEncoderWouldReadThem() throws {
        let list = ["AB 123", "q\"uote", "back\\slash", "new\nline", "ñ", ""]
        let text = JSONText.strings(list)
        #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == list)
        #expect(JSONText.strings([]) == "[]")
    }
}
