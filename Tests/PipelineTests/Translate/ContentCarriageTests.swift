import Foundation
import Kafka
import Ledger
import OrderModel
import XCTest

@testable import Pipeline

/// Issue 24: an order's content travels with its facts — in the `dl-observation` header, the
/// canonical event (the same bytes as `CanonicalEvent.encoder`) and the stored order state.
final class ContentCarriageTests: XCTestCase {
    private func content() throws -> OrderContent {
        let stamp = try XCTUnwrap(RFC3339.parse("2026-12-01T10:00:00.123Z"))
        let edit = try XCTUnwrap(RFC3339.parse("2026-12-01T10:05:00Z"))
        return OrderContent(
            stamp: ContentStamp(stamp), name: "#1013", currency: "USD",
            customer: OrderCustomer(id: "6001", email: "ada/ü@example.com", firstName: "Ada", lastName: "L\"q"),
            lines: [
                OrderLine(
                    id: "1", sku: "CT-NAT", title: "Canvas Tote", quantity: 2, unitPrice: Money("29.00"),
                    discount: Money(cents: 500),
                    taxLines: [OrderTaxLine(title: "OR", rate: "0.08", amount: Money(cents: 424))])
            ],
            shippingLines: [OrderShippingLine(method: "Standard", price: Money(cents: 800))],
            billingAddress: OrderAddress(name: "Ada L", address1: "1 Main St", city: "Portland", zip: "97205"),
            shippingAddress: OrderAddress(name: "Ada L", address1: "1 Main St", city: "Portland", zip: "97205"),
            totals: OrderTotals(subtotal: Money("53.00"), total: Money("65.24")),
            shipments: [
                OrderShipment(id: "f1", trackingNumbers: ["1Z"], lines: [OrderLineQuantity(lineID: "1", quantity: 1)])
            ],
            refunds: [
                OrderRefund(id: "r1", lines: [OrderRefundLine(lineID: "1", quantity: 1, amount: Money(cents: 2400))])
            ],
            captures: [OrderCapture(reference: "ch_1", amount: Money("65.24"), gateway: "stripe")],
            edits: [
                OrderEdit(
                    id: "e1", committedAt: ContentStamp(edit), additions: [OrderLineQuantity(lineID: "1", quantity: 1)],
                    removals: [])
            ])
    }

    func testObservationHeaderCarriesContent() throws {
        let observation = ChannelObservation(
            key: OrderKey(channel: .shopify, orderID: "1013"), eventID: "w", kind: "orders/updated",
            sourceTimestamp: Date(timeIntervalSince1970: 1_795_000_000), dimensions: OrderDimensions(),
            facts: OrderFacts(trackingNumbers: ["1Z"], content: try content()))
        let header = try XCTUnwrap(ObservationHeader.header(observation))
        XCTAssertEqual(ObservationHeader.observation(in: [header]), observation)
        let bytes = try XCTUnwrap(header.value)
        XCTAssertNil(ObservationHeader.observation(in: [KafkaHeader(key: header.key, value: Array(bytes.dropLast()))]))
    }

    func testCanonicalEventWithContentIsTheEncodersBytes() throws {
        let key = OrderKey(channel: .shopify, orderID: "1013")
        let event = CanonicalEvent(
            eventID: "c", orderKey: key, channel: .shopify, orderID: "1013", sourceEventID: "w",
            sourceKind: "orders/edited",
            sourceTimestamp: Date(timeIntervalSince1970: 1_795_000_000), previousState: nil, state: .pendingPayment,
            previousDimensions: nil, dimensions: OrderDimensions(),
            facts: OrderFacts(captureTransactionIDs: ["ch_1"], content: try content()), erpTarget: nil, version: 2,
            mappingVersion: 1, traceID: "t")
        let expected = try CanonicalEvent.encoder.encode(event)
        XCTAssertEqual(
            String(decoding: CanonicalJSON.bytes(of: event), as: UTF8.self), String(decoding: expected, as: UTF8.self))
        XCTAssertEqual(try CanonicalEvent.decoder.decode(CanonicalEvent.self, from: expected), event)
    }

    func testStoredStateKeepsContent() throws {
        let state = OrderState(
            key: OrderKey(channel: .shopify, orderID: "1013"), dimensions: OrderDimensions(),
            facts: OrderFacts(content: try content()),
            position: EventPosition(
                sourceTimestamp: Date(timeIntervalSince1970: 1_795_000_000), version: nil, eventID: "w"),
            appliedEventIDs: ["w"])
        let record = StoredOrderState.record(state, version: 1, lastEventID: "w")
        XCTAssertEqual(StoredOrderState.state(record)?.facts.content, state.facts.content)
    }
}
