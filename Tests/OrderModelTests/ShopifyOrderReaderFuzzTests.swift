import Foundation
import Simulators
import XCTest

@testable import OrderModel

/// Truncations and seeded random mutations of real bodies: the fast path and `JSONDecoder` agree on
/// every one (value or error).
final class ShopifyOrderReaderFuzzTests: XCTestCase {
    private func realisticBody() async throws -> [UInt8] {
        // A shipped-and-refunded simulator order (fulfilments and refunds present).
        let bodies = try await ShopifyDecodeDifferential.simulatorBodies(orders: 12)
        let orders = bodies.map { ($0, ShopifyDecodeDifferential.fast($0)) }
        return try XCTUnwrap(orders.last { $0.1.map { !$0.fulfillments.isEmpty && !$0.refunds.isEmpty } ?? false }?.0)
    }

    func testTruncationAtEveryByteOffsetAgrees() async throws {
        let body = try await realisticBody()
        var handled = 0
        for length in 0...body.count
        where ShopifyDecodeDifferential.check(Array(body.prefix(length)), "prefix \(length)") {
            handled += 1
        }
        // Only the whole body and the body less trailing whitespace (none here) are complete JSON.
        XCTAssertEqual(handled, 1)
    }

    func testSeededRandomMutationsAgree() async throws {
        let bodies = try [await realisticBody(), fixture("shopify-order-fulfilled-refunded.json")]
        var random = SeededRandom(seed: 0xD1FF)
        var handled = 0
        var fellBack = 0
        let total = 3_000
        for round in 0..<total {
            var bytes = bodies[round % bodies.count]
            for _ in 0..<Int.random(in: 1...3, using: &random) { mutate(&bytes, using: &random) }
            if ShopifyDecodeDifferential.check(bytes, "mutation round \(round)") { handled += 1 } else { fellBack += 1 }
        }
        XCTAssertEqual(handled + fellBack, total)
        // Both paths were exercised substantially.
        XCTAssertGreaterThan(handled, total / 10, "handled \(handled), fell back \(fellBack)")
        XCTAssertGreaterThan(fellBack, total / 10, "handled \(handled), fell back \(fellBack)")
    }

    /// JSON-significant fragments to insert or to put in place of a value.
    private static let fragments: [[UInt8]] = [
        "\"", "\\", "{", "}", "[", "]", ",", ":", " ", "\n", "0", "-", ".", "e", "null", "true", "1.5e3", "-0",
        "\"\"", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\n", "é", "😀", "{\"id\":\"dup\"}", "[null]", "[{}]",
        "\"id\":7,", "\"name\":\"dup\",", "9223372036854775808", "1e400", "\"2026-11-20T10:00:00Z\"",
    ].map { Array($0.utf8) }

    private func mutate(_ bytes: inout [UInt8], using random: inout SeededRandom) {
        guard !bytes.isEmpty else { return }
        let at = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0:  // flip to a random byte
            bytes[at] = UInt8.random(in: 0...255, using: &random)
        case 1:  // flip to a random ASCII byte
            bytes[at] = UInt8.random(in: 0x20...0x7E, using: &random)
        case 2:  // delete a few bytes
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &random)))
        case 3:  // insert a fragment
            bytes.insert(contentsOf: Self.fragments.randomElement(using: &random) ?? [], at: at)
        case 4:  // insert a repeated key right after an object opens
            let opens = bytes.indices.filter { bytes[$0] == UInt8(ascii: "{") }
            guard let open = opens.randomElement(using: &random) else { return }
            let key =
                [
                    "id", "name", "updated_at", "financial_status", "fulfillments", "refunds", "tracking_number",
                    "tracking_numbers", "restock_type", "kind", "status",
                ].randomElement(using: &random) ?? "id"
            let value = Self.fragments.randomElement(using: &random) ?? []
            bytes.insert(contentsOf: Array("\"\(key)\":".utf8) + value + Array(",".utf8), at: open + 1)
        default:  // replace the value after a random ':' with a fragment
            let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
            guard let colon = colons.randomElement(using: &random) else { return }
            var end = colon + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: ","), bytes[end] != UInt8(ascii: "}") { end += 1 }
            bytes.replaceSubrange((colon + 1)..<end, with: Self.fragments.randomElement(using: &random) ?? [])
        }
    }
}
