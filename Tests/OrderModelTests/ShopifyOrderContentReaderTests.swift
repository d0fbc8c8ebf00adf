import Foundation
import Simulators
import XCTest

@testable import OrderModel

/// The single-pass content reader gives exactly what `JSONDecoder` gives (value or error), on the
/// simulators' bodies, the recorded fixtures, hand-written edge cases and seeded random mutations.
final class ShopifyOrderContentReaderTests: XCTestCase {
    static let fixtureNames = [
        "shopify-order-fulfilled-refunded.json", "shopify-order-paid-partial.json", "shopify-order-cancelled.json",
        "shopify-order-simulated-webhook.json",
    ]

    func testEverySimulatorBodyOfSeveralSeedsTakesTheFastPathAndMatchesJSONDecoder() async throws {
        var contents: [OrderContent] = []
        for seed: UInt64 in [3, 11, 2026] {
            let bodies = try await ShopifyDecodeDifferential.simulatorBodies(orders: 120, seed: seed)
            XCTAssertGreaterThan(bodies.count, 500)
            var handled = 0
            for (index, body) in bodies.enumerated()
            where ShopifyContentDifferential.check(body, "seed \(seed) body \(index)") {
                handled += 1
            }
            XCTAssertEqual(handled, bodies.count, "every simulator body of seed \(seed) should take the fast path")
            contents += bodies.compactMap(ShopifyContentDifferential.fast)
        }
        // The bodies exercise what the reader extracts, not only skipping.
        XCTAssertTrue(contents.contains { !$0.shipments.isEmpty && !$0.refunds.isEmpty })
        XCTAssertTrue(contents.contains { $0.refunds.contains { !$0.lines.isEmpty } })
        XCTAssertTrue(contents.contains { $0.lines.contains { !$0.taxLines.isEmpty } })
        XCTAssertTrue(contents.contains { $0.lines.contains { $0.taxLines.contains { $0.rate != nil } } })
    }

    func testFixturesAndTheirReserialisationsTakeTheFastPath() throws {
        for name in Self.fixtureNames {
            let body = try fixture(name)
            XCTAssertTrue(ShopifyContentDifferential.check(body, name), name)
            let object = try JSONSerialization.jsonObject(with: Data(body))
            for options: JSONSerialization.WritingOptions in [[.prettyPrinted], [], [.sortedKeys]] {
                let rewritten = Array(try JSONSerialization.data(withJSONObject: object, options: options))
                XCTAssertTrue(ShopifyContentDifferential.check(rewritten, "\(name) \(options)"), name)
            }
        }
        let rich = try XCTUnwrap(ShopifyContentDifferential.fast(fixture("shopify-order-fulfilled-refunded.json")))
        XCTAssertNotNil(rich.shippingAddress?.name)
        XCTAssertFalse(rich.captures.isEmpty)
    }

    func testEdgeCasesTheFastPathHandles() {
        var failures: [String] = []
        for body in ShopifyContentEdgeCases.handled where !ShopifyContentDifferential.check(Array(body.utf8), body) {
            failures.append(body)
        }
        XCTAssertEqual(failures, [], "expected the fast path to handle these")
    }

    func testEdgeCasesHandedToJSONDecoder() {
        var handled: [String] = []
        for body in ShopifyContentEdgeCases.fallBack where ShopifyContentDifferential.check(Array(body.utf8), body) {
            handled.append(body)
        }
        XCTAssertEqual(handled, [], "expected these to be left to JSONDecoder")
    }

    func testTheStatusReadersEdgeCasesAgree() {
        // Whatever the fast path does with them, its answer is JSONDecoder's.
        for body in ShopifyEdgeCases.handled { ShopifyContentDifferential.check(Array(body.utf8), body) }
        for body in ShopifyEdgeCases.fallBack {
            ShopifyContentDifferential.check(body, String(decoding: body, as: UTF8.self))
        }
    }

    func testValuesOfTheDecodingRules() throws {
        func content(_ body: String) throws -> OrderContent {
            try XCTUnwrap(ShopifyContentDifferential.fast(Array(body.utf8)), body)
        }
        typealias E = ShopifyContentEdgeCases
        XCTAssertEqual(try content(E.line(#","quantity":3,"current_quantity":1"#)).lines.first?.quantity, 1)
        XCTAssertEqual(try content(E.line(#","quantity":3,"current_quantity":null"#)).lines.first?.quantity, 3)
        XCTAssertEqual(
            try content(E.line(#","total_discount":"5.00","discount_allocations":[]"#)).lines.first?.discount, .zero)
        XCTAssertEqual(
            try content(E.line(#","total_discount":"5.00","discount_allocations":null"#)).lines.first?.discount,
            Money(cents: 500))
        XCTAssertEqual(
            try content(E.line(#","discount_allocations":[{"amount":"1.10"},{"amount":"2.205"},{"amount":3}]"#))
                .lines.first?.discount, Money(cents: 631))
        XCTAssertEqual(
            try content(E.line(#","tax_lines":[{"rate":0.2},{"rate":"0.08"},{"rate":7},{}]"#)).lines.first?.taxLines,
            [
                OrderTaxLine(title: "tax", rate: "0.2", amount: .zero),
                OrderTaxLine(title: "tax", rate: "0.08", amount: .zero),
                OrderTaxLine(title: "tax", rate: "7.0", amount: .zero),
                OrderTaxLine(title: "tax", rate: nil, amount: .zero),
            ])
        XCTAssertEqual(try content(E.line(#","price":"-.555""#)).lines.first?.unitPrice, Money(cents: -56))
        let addresses = try content(
            E.body(
                #","billing_address":{"first_name":"","last_name":"L"},"shipping_address":{"first_name":"A","last_name":"B"}"#
            ))
        XCTAssertEqual(addresses.billingAddress?.name, "L")
        XCTAssertEqual(addresses.shippingAddress?.name, "A B")
        let guest = try content(E.body(#","email":"o@example.com","customer":{"id":null,"first_name":"F"}"#))
        XCTAssertEqual(guest.customer, OrderCustomer(id: nil, email: "o@example.com", firstName: "F"))
        let shipped = try content(
            E.body(
                #","fulfillments":[{"id":1,"status":"cancelled"},{"id":2,"tracking_number":"T","line_items":[{"id":5}]}]"#
            ))
        XCTAssertEqual(
            shipped.shipments,
            [OrderShipment(id: "2", trackingNumbers: ["T"], lines: [.init(lineID: "5", quantity: 0)])])
        let paid = try content(
            E.body(
                #","shipping_lines":[{"title":"S","price":"4.00"},{"code":"C","price":"1.50"}],"transactions":["#
                    + #"{"id":1,"kind":"sale","authorization":"","amount":"5.50"},{"id":2,"kind":"capture","status":"failure"}]"#
            ))
        XCTAssertEqual(paid.captures, [OrderCapture(reference: "1", amount: Money(cents: 550))])
        XCTAssertEqual(paid.totals.shipping, Money(cents: 550))
        XCTAssertEqual(paid.shippingLines.map(\.method), ["S", "C"])
        let refunded = try content(
            E.body(
                #","refunds":[{"id":1,"transactions":[{"id":1,"kind":"refund","amount":"2.00"},{"id":2,"kind":"refund","status":"error","amount":"9"}]},{"id":2}]"#
            ))
        XCTAssertEqual(refunded.refunds.map(\.amount), [Money(cents: 200), nil])
    }

    func testBodiesOverTheLimitAreRejectedBeforeParsing() throws {
        let body = try fixture("shopify-order-paid-partial.json")
        assertThrows(PayloadError.tooLarge(size: body.count, limit: 100)) { () throws(PayloadError) in
            try ShopifyOrderContent.decode(from: body, maxBytes: 100)
        }
    }
}
