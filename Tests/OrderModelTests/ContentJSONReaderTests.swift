import Foundation
import Simulators
import XCTest

@testable import OrderModel

/// `ContentJSON.content`'s single-pass reader gives exactly what `JSONDecoder` gives (or hands the text
/// to it), on the content JSON of simulator bodies, written variants and seeded random mutations.
final class ContentJSONReaderTests: XCTestCase {
    /// Asserts that the fast path, when it answers, gives `JSONDecoder`'s content (strings byte for byte)
    /// and that `ContentJSON.content` gives `JSONDecoder`'s answer. Returns whether the fast path answered.
    @discardableResult
    private func check(_ text: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let expected = ContentJSON.contentWithJSONDecoder(text)
        var copy = text
        let fast = copy.withUTF8(ContentJSONReader.read)
        if let fast {
            XCTAssertEqual(fast, expected, label, file: file, line: line)
            XCTAssertTrue(
                String(reflecting: Optional(fast)).utf8.elementsEqual(String(reflecting: expected).utf8),
                "strings differ in their bytes: \(label)", file: file, line: line)
        }
        XCTAssertEqual(ContentJSON.content(text), expected, "content: \(label)", file: file, line: line)
        return fast != nil
    }

    private func simulatorTexts() async throws -> [String] {
        var texts: [String] = []
        for body in try await ShopifyDecodeDifferential.simulatorBodies(orders: 40, seed: 5) {
            texts.append(try XCTUnwrap(ContentJSON.text(try ShopifyOrderContent.decode(from: body))))
        }
        return texts
    }

    func testWrittenContentsTakeTheFastPath() async throws {
        let texts = try await simulatorTexts()
        XCTAssertGreaterThan(texts.count, 150)
        for (index, text) in texts.enumerated() { XCTAssertTrue(check(text, "simulator \(index)")) }
        for name in ShopifyOrderContentReaderTests.fixtureNames {
            let text = try XCTUnwrap(ContentJSON.text(try ShopifyOrderContent.decode(from: fixture(name))))
            XCTAssertTrue(check(text, name))
            // Reserialised by JSONSerialization: other key order, `\/`, whitespace.
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            for options: JSONSerialization.WritingOptions in [[.prettyPrinted], []] {
                let rewritten = String(
                    decoding: try JSONSerialization.data(withJSONObject: object, options: options), as: UTF8.self)
                XCTAssertTrue(check(rewritten, "\(name) \(options)"))
            }
        }
    }

    func testEditsAreTakenAsWrittenAndOptionalsMayBeNull() throws {
        let stamp = #""stamp":"2026-11-20T10:00:00Z""#
        let empty = #""captures":[],"lines":[],"refunds":[],"shipments":[],"shippingLines":[],"totals":{}"#
        let early =
            #"{"id":"e","committedAt":"2026-11-01T00:00:00Z","additions":[{"lineID":"1","quantity":1}],"removals":[]}"#
        XCTAssertTrue(check("{" + stamp + "," + empty + #","edits":["# + early + "]}", "early edit kept"))
        let content = try XCTUnwrap(ContentJSON.content("{" + stamp + "," + empty + #","edits":["# + early + "]}"))
        XCTAssertEqual(content.edits.map(\.id), ["e"])
        XCTAssertTrue(
            check(
                "{" + empty + #","edits":[],"stamp":null,"name":null,"customer":null,"billingAddress":{"name":null}"#
                    + #","totals":{"total":"1.5"},"x":[1,{"y":null}]}"#, "nulls"))
        for missing in ["{" + stamp + "," + empty + "}", "{" + stamp + #","edits":[],"lines":null}"#, "{}", "null"] {
            XCTAssertFalse(check(missing, missing))
        }
    }

    func testSeededRandomMutationsAgree() async throws {
        let texts = try await simulatorTexts().filter { $0.contains("\"refunds\":[{") && $0.contains("\"edits\"") }
        let bases = try [XCTUnwrap(texts.last).utf8].map(Array.init)
        var random = SeededRandom(seed: 0xC0_47E7)
        let fragments = [
            "null", "1", "-0", "1.5", "\"\"", "\"x\"", "\"1.005\"", "[]", "{}", "true", "\"\\u00e9\"", ",", "}", "\"",
            "\"2026-11-20T10:00:00Z\"", "\"lineID\":\"9\",", "\"id\":\"dup\",", "\"quantity\":2,",
        ].map { Array($0.utf8) }
        var handled = 0
        var fellBack = 0
        for round in 0..<2_000 {
            var bytes = bases[0]
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                let fragment = fragments.randomElement(using: &random) ?? []
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...6, using: &random)))
                case 1:
                    if let open = bytes.indices.filter({ bytes[$0] == UInt8(ascii: "{") }).randomElement(using: &random)
                    {
                        bytes.insert(contentsOf: fragment, at: open + 1)
                    }
                default:
                    guard
                        let colon = bytes.indices.filter({ bytes[$0] == UInt8(ascii: ":") }).randomElement(
                            using: &random)
                    else { continue }
                    var end = colon + 1
                    while end < bytes.count, bytes[end] != UInt8(ascii: ","), bytes[end] != UInt8(ascii: "}") {
                        end += 1
                    }
                    bytes.replaceSubrange((colon + 1)..<end, with: fragment)
                }
            }
            guard let text = String(validating: bytes, as: UTF8.self) else { continue }
            if check(text, "mutation \(round)") { handled += 1 } else { fellBack += 1 }
        }
        XCTAssertGreaterThan(handled, 200, "handled \(handled), fell back \(fellBack)")
        XCTAssertGreaterThan(fellBack, 200, "handled \(handled), fell back \(fellBack)")
    }
}
