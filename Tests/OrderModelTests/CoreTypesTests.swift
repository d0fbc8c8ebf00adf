import Foundation
import OrderModel
import Simulators
import XCTest

final class CoreTypesTests: XCTestCase {
    func testOrderKeyParsesAndPrints() throws {
        XCTAssertEqual(OrderKey("shopify:5678123"), OrderKey(channel: .shopify, orderID: "5678123"))
        XCTAssertEqual(OrderKey("amazon:902-3159896-1390916")?.orderID, "902-3159896-1390916")
        XCTAssertEqual(OrderKey("erp:ns:48213")?.orderID, "ns:48213", "only the first colon separates")
        XCTAssertEqual(OrderKey(channel: .amazon, orderID: "1-2").description, "amazon:1-2")
        for bad in ["", "shopify", "shopify:", "ebay:1", ":1"] { XCTAssertNil(OrderKey(bad), bad) }
        let json = try JSONEncoder().encode(OrderKey(channel: .erp, orderID: "7"))
        XCTAssertEqual(String(decoding: json, as: UTF8.self), "\"erp:7\"")
        XCTAssertEqual(try JSONDecoder().decode(OrderKey.self, from: json), OrderKey(channel: .erp, orderID: "7"))
        XCTAssertThrowsError(try JSONDecoder().decode(OrderKey.self, from: Data("\"nope\"".utf8)))
    }

    func testRFC3339ParsesOffsetsFractionsAndRejectsGarbage() {
        XCTAssertEqual(RFC3339.parse("1970-01-01T00:00:00Z")?.timeIntervalSince1970, 0)
        XCTAssertEqual(RFC3339.parse("2026-11-20T09:41:12-05:00"), RFC3339.parse("2026-11-20T14:41:12Z"))
        XCTAssertEqual(RFC3339.parse("2026-11-20T14:41:12+0130"), RFC3339.parse("2026-11-20T13:11:12Z"))
        XCTAssertEqual(
            RFC3339.parse("2000-02-29T12:00:00.5Z")?.timeIntervalSince1970 ?? 0, 951_825_600.5, accuracy: 1e-6)
        XCTAssertEqual(RFC3339.parse("2024-12-31T23:59:59Z")?.timeIntervalSince1970, 1_735_689_599)
        for bad in [
            "", "2026-11-20", "2026-11-20T14:41:12", "2026-13-20T14:41:12Z", "2026-11-20T14:41:12+5",
            "2026-11-20T14:41:12.Z", "2026-11-20T14:41:12Zjunk", "yesterday", "2026-11-20T24:00:00Z",
        ] {
            XCTAssertNil(RFC3339.parse(bad), bad)
        }
        let date = Date(timeIntervalSince1970: 1_790_000_000.25)
        XCTAssertEqual(RFC3339.format(date), "2026-09-21T14:13:20.250Z")
        XCTAssertEqual(RFC3339.parse(RFC3339.format(date)), date)
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: -1)), "1969-12-31T23:59:59Z")
        // A fraction that rounds up to a whole second carries into the seconds.
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: 1_790_000_000.9996)), "2026-09-21T14:13:21Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: -0.0004)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: -0.25)), "1969-12-31T23:59:59.750Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: -62_135_596_800)), "0001-01-01T00:00:00Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: 253_402_300_799.5)), "9999-12-31T23:59:59.500Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: 253_402_300_800)), "10000-01-01T00:00:00Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: -62_167_219_200)), "0000-01-01T00:00:00Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: -62_167_219_201)), "-0001-12-31T23:59:59Z")
        XCTAssertFalse(RFC3339.format(Date(timeIntervalSince1970: .nan)).isEmpty)
        XCTAssertFalse(RFC3339.format(.distantFuture).isEmpty)
        // Against Foundation's ISO 8601 formatter, over whole milliseconds across 1900–2100.
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var random = SeededRandom(seed: 3)
        for _ in 0..<2_000 {
            let millis = Int64.random(in: -2_208_988_800_000...4_102_444_800_000, using: &random)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            var expected = reference.string(from: date)
            if expected.hasSuffix(".000Z") { expected = String(expected.dropLast(5)) + "Z" }
            XCTAssertEqual(RFC3339.format(date), expected)
            XCTAssertEqual(
                RFC3339.parse(RFC3339.format(date))?.timeIntervalSince1970 ?? 0, date.timeIntervalSince1970,
                accuracy: 1e-6)
        }
    }

    func testCanonicalStateDerivationPrecedence() {
        let table: [(OrderDimensions, CanonicalState)] = [
            (.init(), .pendingPayment),
            (.init(payment: .authorized), .paymentAuthorized),
            (.init(payment: .partiallyPaid), .paymentAuthorized),
            (.init(payment: .expired), .paymentVoided),
            (.init(payment: .captured), .paymentCaptured),
            (.init(payment: .authorized, fulfillment: .partial), .partiallyShipped),
            (.init(payment: .captured, fulfillment: .fulfilled), .shipped),
            (.init(payment: .captured, fulfillment: .fulfilled, lifecycle: .closed), .closed),
            (.init(payment: .captured, fulfillment: .fulfilled, returns: .initiated), .returnInitiated),
            (.init(payment: .partiallyRefunded, fulfillment: .fulfilled, returns: .initiated), .returnInitiated),
            (.init(payment: .partiallyRefunded, fulfillment: .fulfilled), .partiallyRefunded),
            (.init(payment: .partiallyRefunded, fulfillment: .fulfilled, returns: .received), .returned),
            (.init(payment: .refunded, fulfillment: .fulfilled, returns: .received), .refunded),
            (.init(payment: .refunded, fulfillment: .fulfilled, lifecycle: .cancelled), .cancelled),
            (.init(payment: .captured, fulfillment: .restocked), .cancelled),
        ]
        for (dims, state) in table { XCTAssertEqual(dims.canonicalState, state, "\(dims)") }
        XCTAssertEqual(CanonicalState.paymentCaptured.rawValue, "PAYMENT_CAPTURED")
    }

    func testJoinIsCommutativeAssociativeIdempotentOverAllDimensionValues() {
        var all: [OrderDimensions] = []
        for p in PaymentStatus.allCases {
            for f in FulfillmentStatus.allCases {
                for l in LifecycleStatus.allCases {
                    for r in ReturnStatus.allCases {
                        all.append(.init(payment: p, fulfillment: f, lifecycle: l, returns: r))
                    }
                }
            }
        }
        XCTAssertEqual(all.count, 8 * 4 * 3 * 3)
        var rng = SeededRandom(seed: 97)  // seeded: a failure reproduces
        for a in all {
            XCTAssertEqual(a.joined(with: a), a)
            for _ in 0..<20 {
                let b = all.randomElement(using: &rng) ?? a
                let c = all.randomElement(using: &rng) ?? a
                XCTAssertEqual(a.joined(with: b), b.joined(with: a))
                XCTAssertEqual(a.joined(with: b).joined(with: c), a.joined(with: b.joined(with: c)))
                XCTAssertTrue(a.isDominated(by: a.joined(with: b)))
            }
        }
    }

    func testFactsMergeIsOrderIndependent() {
        let a = OrderFacts(
            trackingNumbers: ["T2", "T1", "T1"], captureTransactionIDs: ["ch_1"],
            cancelledAt: Date(timeIntervalSince1970: 10), cancelReason: "customer")
        let b = OrderFacts(
            trackingNumbers: ["T3"], refundIDs: ["r1"], cancelledAt: Date(timeIntervalSince1970: 20),
            cancelReason: "fraud")
        XCTAssertEqual(a.trackingNumbers, ["T1", "T2"])
        XCTAssertEqual(a.merged(with: b), b.merged(with: a))
        XCTAssertEqual(a.merged(with: b).cancelReason, "fraud")
        XCTAssertEqual(a.merged(with: b).trackingNumbers, ["T1", "T2", "T3"])
        XCTAssertEqual(a.merged(with: .none), a)
    }

    /// Sets are sorted, unique and without empty strings whatever the input, and a merge is their
    /// union — also for facts whose arrays were set directly (unsorted) rather than normalised.
    func testFactsSetsAgainstASetReference() {
        var random = SeededRandom(seed: 5)
        func values() -> [String] {
            (0..<Int.random(in: 0..<5, using: &random)).map { _ in
                ["", "a", "b", "c", "T1", "T10", "T2", "é"].randomElement(using: &random) ?? ""
            }
        }
        func reference(_ values: [String]) -> [String] { Array(Set(values.filter { !$0.isEmpty })).sorted() }
        for _ in 0..<2_000 {
            let (x, y) = (values(), values())
            let a = OrderFacts(trackingNumbers: x)
            XCTAssertEqual(a.trackingNumbers, reference(x))
            var raw = OrderFacts()
            raw.trackingNumbers = x  // not normalised
            let b = OrderFacts(trackingNumbers: y)
            XCTAssertEqual(a.merged(with: b).trackingNumbers, reference(x + y))
            // Unnormalised input merges as a set union, as before (only sorted input takes the merge).
            let union =
                b.trackingNumbers.isEmpty
                ? x : x.isEmpty ? b.trackingNumbers : Array(Set(x).union(b.trackingNumbers)).sorted()
            XCTAssertEqual(raw.merged(with: b).trackingNumbers, union)
        }
    }
}
