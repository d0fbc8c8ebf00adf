import Foundation
import Simulators
import XCTest

@testable import OrderModel

/// Truncations and seeded random mutations of real bodies (fields dropped, nulled, given other types,
/// duplicated; escapes and stray JSON inserted): the content fast path and `JSONDecoder` agree on every
/// one (value or error).
final class ShopifyOrderContentReaderFuzzTests: XCTestCase {
    private func realisticBodies() async throws -> [[UInt8]] {
        // Simulator orders with refunds and fulfilments, and the richest fixture.
        let bodies = try await ShopifyDecodeDifferential.simulatorBodies(orders: 12, seed: 7)
        let rich = bodies.filter {
            ShopifyContentDifferential.fast($0).map { !$0.shipments.isEmpty && !$0.refunds.isEmpty } ?? false
        }
        return try [XCTUnwrap(rich.last), fixture("shopify-order-fulfilled-refunded.json")]
    }

    func testTruncationAtEveryByteOffsetAgrees() async throws {
        let body = try await realisticBodies()[0]
        var handled = 0
        for length in 0...body.count
        where ShopifyContentDifferential.check(Array(body.prefix(length)), "prefix \(length)") {
            handled += 1
        }
        XCTAssertEqual(handled, 1, "only the whole body is complete JSON")
    }

    func testSeededRandomMutationsAgree() async throws {
        let bodies = try await realisticBodies()
        var random = SeededRandom(seed: 0xC0_7E47)
        var handled = 0
        var fellBack = 0
        let total = 1_500
        for round in 0..<total {
            var bytes = bodies[round % bodies.count]
            for _ in 0..<Int.random(in: 1...3, using: &random) { mutate(&bytes, using: &random) }
            if ShopifyContentDifferential.check(bytes, "mutation round \(round)") {
                handled += 1
            } else {
                fellBack += 1
            }
        }
        XCTAssertEqual(handled + fellBack, total)
        // Both paths were exercised substantially.
        XCTAssertGreaterThan(handled, total / 10, "handled \(handled), fell back \(fellBack)")
        XCTAssertGreaterThan(fellBack, total / 10, "handled \(handled), fell back \(fellBack)")
    }

    /// The keys the content reads (and a few it does not).
    private static let keys = [
        "id", "name", "email", "currency", "customer", "updated_at", "line_items", "shipping_lines", "billing_address",
        "shipping_address", "subtotal_price", "total_tax", "total_discounts", "total_price", "fulfillments", "refunds",
        "transactions", "sku", "title", "quantity", "current_quantity", "price", "total_discount",
        "discount_allocations", "tax_lines", "rate", "amount", "code", "first_name", "last_name", "status",
        "tracking_number", "tracking_numbers", "line_item_id", "subtotal", "restock_type", "kind", "authorization",
        "gateway", "note",
    ]

    /// JSON-significant fragments to insert or to put in place of a value.
    private static let fragments: [[UInt8]] = [
        "\"", "\\", "{", "}", "[", "]", ",", ":", " ", "0", "-", ".", "null", "true", "1.5e3", "-0", "0.08", "7",
        "12.5", "\"\"", "\"12.345\"", "\" 3 \"", "\"abc\"", "\"\\u00e9\\n\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "é",
        "{}", "[]", "[null]", "[{}]", "[{\"amount\":\"1.00\"}]", "{\"id\":\"dup\"}", "9223372036854775808", "1e400",
        "\"2026-11-20T10:00:00Z\"", "\"cancelled\"", "\"refund\"", "\"capture\"",
    ].map { Array($0.utf8) }

    private func mutate(_ bytes: inout [UInt8], using random: inout SeededRandom) {
        guard !bytes.isEmpty else { return }
        let at = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0:  // flip to a random ASCII byte
            bytes[at] = UInt8.random(in: 0x20...0x7E, using: &random)
        case 1:  // delete a few bytes
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &random)))
        case 2:  // insert a fragment
            bytes.insert(contentsOf: Self.fragments.randomElement(using: &random) ?? [], at: at)
        case 3, 4:  // insert a (possibly repeated) key right after an object opens
            let opens = bytes.indices.filter { bytes[$0] == UInt8(ascii: "{") }
            guard let open = opens.randomElement(using: &random) else { return }
            let key = Self.keys.randomElement(using: &random) ?? "id"
            let value = Self.fragments.randomElement(using: &random) ?? []
            bytes.insert(contentsOf: Array("\"\(key)\":".utf8) + value + Array(",".utf8), at: open + 1)
        default:  // replace the value after a random ':' with a fragment (null, other types, …)
            let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
            guard let colon = colons.randomElement(using: &random) else { return }
            var end = colon + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: ","), bytes[end] != UInt8(ascii: "}") { end += 1 }
            bytes.replaceSubrange((colon + 1)..<end, with: Self.fragments.randomElement(using: &random) ?? [])
        }
    }
}
