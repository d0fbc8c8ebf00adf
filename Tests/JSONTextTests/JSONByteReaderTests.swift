import Simulators
import XCTest

@testable import JSONText

/// The reader's word-at-a-time string scan finds exactly the byte a byte-by-byte scan finds.
final class JSONByteReaderTests: XCTestCase {
    /// The position (0–7, first byte lowest) of the first byte that is < 0x20, `"`, `\\` or >= 0x80.
    private func naive(_ word: UInt64) -> Int? {
        (0..<8).first { shift in
            let byte = UInt8(truncatingIfNeeded: word >> (8 * UInt64(shift)))
            return byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
        }
    }

    private func fast(_ word: UInt64) -> Int? {
        let special = JSONByteReader.specialBytes(word)
        return special == 0 ? nil : special.trailingZeroBitCount / 8
    }

    func testSpecialByteDetectionMatchesByteByByte() {
        let plain = UInt64(0x61) &* 0x0101_0101_0101_0101  // "aaaaaaaa"
        for position in 0..<8 {
            for value in 0...255 {
                let shift = UInt64(8 * position)
                let word = (plain & ~(0xFF << shift)) | (UInt64(value) << shift)
                XCTAssertEqual(fast(word), naive(word), "byte \(value) at \(position)")
            }
        }
        var random = SeededRandom(seed: 7)
        for _ in 0..<50_000 {
            // Mostly printable ASCII words with a few arbitrary bytes.
            var word: UInt64 = 0
            for position in 0..<8 {
                let byte =
                    random.next() % 5 == 0
                    ? UInt8.random(in: 0...255, using: &random)
                    : UInt8.random(in: 0x20...0x7E, using: &random)
                word |= UInt64(byte) << UInt64(8 * position)
            }
            XCTAssertEqual(fast(word), naive(word), String(word, radix: 16))
        }
    }

    func testStringsOfEveryLengthAndSpecialPositionScanExactly() throws {
        for length in 0..<40 {
            for special in [nil, "\\n", "é", "\\\"", "\\u00e9"] as [String?] {
                for at in 0...length {
                    var text = String(repeating: "x", count: length)
                    if let special { text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: at)) }
                    let json = Array("\"\(text)\" ,".utf8)
                    let scanned = try json.withUnsafeBufferPointer { buffer throws(JSONByteReader.Unhandled) in
                        var reader = JSONByteReader(buffer)
                        let string = try reader.readString()
                        return (string, reader.index)
                    }
                    XCTAssertEqual(scanned.1, json.count - 2, "\(text)")
                    let expected = try JSONDecoder().decode(String.self, from: Data(json.dropLast(2)))
                    XCTAssertEqual(scanned.0, expected)
                }
            }
        }
    }
}
