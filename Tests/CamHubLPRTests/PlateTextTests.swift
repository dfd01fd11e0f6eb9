@testable import CamHubLPR
import Testing

@Suite("Plate texts")
struct PlateTextTests {
    @Test func plateTextsAreTrimmedUpperCasedAndListedOnce() {
        let plates = LPRIngest.plates(
            ocr: [" ab 123 ", "\tAB 123\n", "", "   ", "xy\u{00A0}9\u{2003}"],
            detections: [["text": "ab 123"], ["text": "ñz 7"], ["other": 1], "not an object"]
        )
        #expect(plates == ["AB 123", "XY\u{00A0}9", "ÑZ 7"])
    }

    @Test func trimmingKeepsInnerSpaceAndTakesEveryKindOfOuterSpace() {
        #expect(LPRIngest.trimmed("  a b  ") == "a b")
        #expect(LPRIngest.trimmed("\r\n\t\u{3000}x\u{85}") == "x")
        #expect(LPRIngest.trimmed(" \n ") == "")
        #expect(LPRIngest.trimmed("") == "")
        #expect(LPRIngest.trimmed("é") == "é")
    }
}
