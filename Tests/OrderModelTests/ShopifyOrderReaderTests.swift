import Foundation
import JSONText
import Simulators
import XCTest

@testable import OrderModel

/// The single-pass Shopify reader gives exactly what `JSONDecoder` gives, on the simulators' bodies,
/// the recorded fixtures and hand-written edge cases (fast path or not, as each case expects).
final class ShopifyOrderReaderTests: XCTestCase {
    func testEverySimulatorBodyTakesTheFastPathAndMatchesJSONDecoder() async throws {
        let bodies = try await ShopifyDecodeDifferential.simulatorBodies(orders: 300)
        XCTAssertGreaterThan(bodies.count, 2_000)
        var handled = 0
        for (index, body) in bodies.enumerated() where ShopifyDecodeDifferential.check(body, "simulator body \(index)")
        {
            handled += 1
        }
        XCTAssertEqual(handled, bodies.count, "every simulator body should take the fast path")
        // The bodies exercise what the reader extracts, not only skipping.
        let orders = bodies.compactMap(ShopifyDecodeDifferential.fast)
        XCTAssertTrue(orders.contains { $0.fulfillments.count == 2 && $0.refunds.count == 2 })
        XCTAssertTrue(orders.contains { $0.cancelledAt != nil && $0.cancelReason == "customer" })
    }

    func testFixturesAndTheirReserialisationsTakeTheFastPath() throws {
        for name in [
            "shopify-order-fulfilled-refunded.json", "shopify-order-paid-partial.json",
            "shopify-order-cancelled.json", "shopify-order-simulated-webhook.json",
        ] {
            let body = try fixture(name)
            XCTAssertTrue(ShopifyDecodeDifferential.check(body, name), name)
            // Pretty-printed, and with `/` escaped as `\/` (JSONSerialization's default).
            let object = try JSONSerialization.jsonObject(with: Data(body))
            for options: JSONSerialization.WritingOptions in [[.prettyPrinted], [], [.sortedKeys]] {
                let rewritten = Array(try JSONSerialization.data(withJSONObject: object, options: options))
                XCTAssertTrue(ShopifyDecodeDifferential.check(rewritten, "\(name) \(options)"), name)
            }
        }
        let order = try XCTUnwrap(ShopifyDecodeDifferential.fast(fixture("shopify-order-fulfilled-refunded.json")))
        XCTAssertEqual(order.refunds.map(\.restockTypes), [["return"]])
        XCTAssertEqual(
            order.transactions.filter(\.isSuccessfulCapture).map(\.paymentReference),
            ["ch_3PqR2bLkdIwHu7ix1xYz9876"])
    }

    func testEdgeCasesTheFastPathHandles() {
        var failures: [String] = []
        for body in ShopifyEdgeCases.handled where !ShopifyDecodeDifferential.check(Array(body.utf8), body) {
            failures.append(body)
        }
        XCTAssertEqual(failures, [], "expected the fast path to handle these")
    }

    func testEdgeCasesHandedToJSONDecoder() {
        var handled: [String] = []
        for body in ShopifyEdgeCases.fallBack
        where ShopifyDecodeDifferential.check(body, String(decoding: body, as: UTF8.self)) {
            handled.append(String(decoding: body, as: UTF8.self))
        }
        XCTAssertEqual(handled, [], "expected these to be left to JSONDecoder")
    }

    func testValuesOfTrickyButValidBodies() throws {
        func fast(_ extra: String) throws -> ShopifyOrder {
            try XCTUnwrap(ShopifyDecodeDifferential.fast(Array(ShopifyEdgeCases.order(extra).utf8)), extra)
        }
        XCTAssertEqual(try fast(#","name":"\"q\" \\ \/ \b\f\n\r\t""#).name, "\"q\" \\ / \u{8}\u{C}\n\r\t")
        XCTAssertEqual(try fast(#","name":"caf\u00e9 \ud83d\ude00 \u0000""#).name, "caf\u{E9} \u{1F600} \u{0}")
        XCTAssertEqual(try fast(#","id":2,"name":"a","name":null"#).id, "1")
        XCTAssertEqual(try fast(#","name":"a","name":null"#).name, "a")
        XCTAssertEqual(
            try fast(#","fulfillments":[{"id":"f","tracking_number":5,"tracking_numbers":["B"]}]"#).fulfillments,
            [.init(id: "f", status: nil, trackingCompany: nil, trackingNumbers: ["B"])])
        XCTAssertEqual(
            try fast(#","refunds":[{"id":-9223372036854775808,"refund_line_items":[{"restock_type":"return"},{}]}]"#)
                .refunds, [.init(id: "-9223372036854775808", restockTypes: ["return"])])
        XCTAssertEqual(try fast(#","closed_at":"2026-11-20T10:00:00\u005a""#).closedAt, ts("2026-11-20T10:00:00Z"))
    }

    func testDataSlicesDecodeExactlyTheirOwnBytes() throws {
        let body = try fixture("shopify-order-simulated-webhook.json")
        // The body inside a larger buffer, so the slice starts at a non-zero index with bytes around it.
        let padded = Data(Array("[{\"id\":".utf8) + body + Array("}]".utf8))
        let start = padded.startIndex + 7
        let slice = padded[start..<(start + body.count)]
        XCTAssertEqual(try ShopifyOrder.decode(from: slice), try XCTUnwrap(ShopifyDecodeDifferential.fast(body)))
        let truncated = padded[start..<(start + body.count - 1)]
        XCTAssertEqual(
            Result { () throws(PayloadError) in try ShopifyOrder.decode(from: truncated) },
            ShopifyDecodeDifferential.reference(Array(truncated)))
    }

    func testNestingDepthLimitIsBelowJSONDecoders() {
        // The fast path stops at 128 levels; JSONDecoder at 512. Both sides of both limits agree.
        for depth in [100, 126, 127, 128, 200, 510, 511, 512] {
            let body = ShopifyEdgeCases.order(
                ",\"deep\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
            let handled = ShopifyDecodeDifferential.check(Array(body.utf8), "depth \(depth)")
            XCTAssertEqual(handled, depth < JSONByteReader.maxDepth, "depth \(depth)")
        }
    }
}
