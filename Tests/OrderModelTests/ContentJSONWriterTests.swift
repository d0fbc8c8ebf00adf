import Foundation
import XCTest

@testable import OrderModel

/// `ContentJSON.text` (written by `ContentJSONWriter`) is byte for byte what `JSONEncoder` with sorted keys
/// and unescaped slashes wrote before, and `ContentJSON.content` reads it back to the same content.
final class ContentJSONWriterTests: XCTestCase {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private func assertSameAsJSONEncoder(
        _ content: OrderContent, _ label: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let expected = String(decoding: try Self.encoder.encode(content), as: UTF8.self)
        let text = try XCTUnwrap(ContentJSON.text(content), label, file: file, line: line)
        XCTAssertEqual(text, expected, label, file: file, line: line)
        XCTAssertEqual(ContentJSON.content(text), content, "round trip: \(label)", file: file, line: line)
    }

    func testSimulatorContentsOfSeveralSeedsAreWrittenAsJSONEncoderWritesThem() async throws {
        var count = 0
        for seed: UInt64 in [3, 2026] {
            for body in try await ShopifyDecodeDifferential.simulatorBodies(orders: 80, seed: seed) {
                try assertSameAsJSONEncoder(try ShopifyOrderContent.decode(from: body), "seed \(seed)")
                count += 1
            }
        }
        XCTAssertGreaterThan(count, 500)
    }

    func testFixtureAndEdgeCaseContentsAreWrittenAsJSONEncoderWritesThem() throws {
        for name in ShopifyOrderContentReaderTests.fixtureNames {
            try assertSameAsJSONEncoder(try ShopifyOrderContent.decode(from: fixture(name)), name)
        }
        for body in ShopifyContentEdgeCases.handled {
            try assertSameAsJSONEncoder(try ShopifyOrderContent.decode(from: Array(body.utf8)), body)
        }
    }

    func testEveryOptionalAndAwkwardStringsAreWrittenAsJSONEncoderWritesThem() throws {
        let awkward = "a\"b\\c/d\u{0}\u{1}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{1F}\u{7F} é 😀 \u{2028}\u{2029} e\u{301}"
        let stamp = ContentStamp(ts("2026-11-20T10:00:00.123Z"))
        let edits = [
            OrderEdit(
                id: awkward, committedAt: ContentStamp(ts("2026-11-21T10:00:00Z")),
                additions: [.init(lineID: "1", quantity: 2)], removals: [.init(lineID: "2", quantity: -1)]),
            OrderEdit(
                id: "e2", committedAt: ContentStamp(ts("2026-11-22T10:00:00+05:30")), additions: [], removals: []),
        ]
        let address = OrderAddress(
            name: awkward, address1: "1", address2: "2", city: "c", provinceCode: "p", zip: "z", countryCode: "US",
            phone: "+1")
        let full = OrderContent(
            stamp: stamp, name: awkward, currency: "USD",
            customer: OrderCustomer(id: "c", email: "e@x", firstName: "F", lastName: "L"),
            lines: [
                OrderLine(
                    id: "1", sku: awkward, title: "T", quantity: Int(Int64.max),
                    unitPrice: Money(cents: -99_999_999_999_999_99),
                    discount: Money(cents: -5), taxLines: [OrderTaxLine(title: "t", rate: "0.08", amount: .zero)]),
                OrderLine(id: "2", sku: nil, quantity: -3, unitPrice: nil),
            ],
            shippingLines: [
                OrderShippingLine(
                    method: "m", price: Money(cents: 1), discount: Money(cents: 2),
                    taxLines: [OrderTaxLine(title: "x", amount: Money(cents: 7))])
            ],
            billingAddress: address, shippingAddress: OrderAddress(),
            totals: OrderTotals(
                subtotal: Money(cents: 1), tax: Money(cents: 2), shipping: Money(cents: 3), discounts: Money(cents: 4),
                total: Money(cents: 99_999_999_999_999_99)),
            shipments: [
                OrderShipment(
                    id: "s", trackingNumbers: ["a", awkward], trackingCompany: "UPS",
                    lines: [.init(lineID: "1", quantity: 1)]),
                OrderShipment(id: "s2", trackingNumbers: [], lines: []),
            ],
            refunds: [
                OrderRefund(
                    id: "r", lines: [OrderRefundLine(lineID: "1", quantity: 1, amount: .zero, restockType: "return")],
                    amount: Money(cents: 9)),
                OrderRefund(id: "r2", lines: [OrderRefundLine(lineID: "2", quantity: 0, amount: .zero)]),
            ],
            captures: [
                OrderCapture(reference: "ch", amount: Money(cents: 10), gateway: "stripe"),
                OrderCapture(reference: "x", amount: nil),
            ],
            edits: edits)
        XCTAssertEqual(full.edits.count, 2)
        try assertSameAsJSONEncoder(full, "full")
        try assertSameAsJSONEncoder(OrderContent(stamp: nil), "empty")
        try assertSameAsJSONEncoder(OrderContent(edit: edits[0]), "edit only")
        try assertSameAsJSONEncoder(OrderContent(stamp: stamp, customer: OrderCustomer()), "empty customer")
    }
}
