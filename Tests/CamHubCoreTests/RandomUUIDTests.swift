import CamHubCore
import Foundation
import Testing

@Suite("Random UUIDs")
struct RandomUUIDTests {
    @Test func theyAreVersionFourWithTheRFCVariantAndDoNotRepeat() {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let text = UUID.randomText()
            #expect(text == text.lowercased())
            #expect(UUID(uuidString: text) != nil)
            let characters = Array(text)
            #expect(characters.count == 36)
            #expect(characters[14] == "4", "version nibble of \(text)")
            #expect("89ab".contains(characters[19]), "variant of \(text)")
            seen.insert(text)
        }
        #expect(seen.count == 2000)
    }

    @Test func everyRandomBitVaries() {
        // 122 bits are random: over many ids each of them is seen both set and clear.
        var ones = [Int](repeating: 0, count: 128)
        for _ in 0..<512 {
            let uuid = UUID.random().uuid
            withUnsafeBytes(of: uuid) { bytes in
                for bit in 0..<128 where bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 { ones[bit] += 1 }
            }
        }
        let fixed: Set<Int> = [48, 49, 50, 51, 64, 65]
        for bit in 0..<128 {
            if fixed.contains(bit) {
                #expect(ones[bit] == 0 || ones[bit] == 512, "bit \(bit) is fixed")
            } else {
                #expect(ones[bit] > 150 && ones[bit] < 362, "bit \(bit) set \(ones[bit]) times in 512")
            }
        }
    }
}
