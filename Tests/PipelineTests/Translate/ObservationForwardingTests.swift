import Foundation
import Kafka
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Validate forwards the observation it decoded in `dl-observation`; translate uses it only when it
/// agrees with the envelope and otherwise decodes the payload.
final class ObservationForwardingTests: XCTestCase {
    func testValidatedRecordCarriesTheObservationAndTranslateTrustsOnlyAConsistentOne() async throws {
        let store = StorefrontStore(seed: 11)
        let deliveries = try await StorefrontScenario.lifecycles(store: store, orders: 5, seed: 11)
        let decoder = ObservationDecoder(matrix: try MappingMatrix.default)
        let processor = ValidateProcessor(decoder: decoder, topics: PipelineTopics(prefix: "t"), replica: "r")
        var checked = 0
        for (index, delivery) in deliveries.enumerated() {
            let order = try ShopifyOrder.decode(from: delivery.body)
            let envelope = Envelope(
                eventID: delivery.webhookID, channel: .shopify, orderID: order.id, kind: delivery.topic,
                sourceTimestamp: order.updatedAt, traceID: "trace-\(index)")
            let raw = KafkaMessage(
                topic: "t.ingest.raw", partition: 0, offset: Int64(index), key: Array("shopify:\(order.id)".utf8),
                value: delivery.body, headers: envelope.headers)
            let output = processor.process(raw)
            XCTAssertFalse(output.quarantined, output.audit.detail ?? "")
            XCTAssertEqual(output.record.value, delivery.body, "the payload is forwarded unchanged")
            let forwarded = output.record.headers.filter { $0.key == EnvelopeHeader.observation }
            XCTAssertEqual(forwarded.count, 1)
            let validated = KafkaMessage(
                topic: "t.validated", partition: 0, offset: Int64(index), key: output.record.key,
                value: output.record.value, headers: output.record.headers)
            let fromPayload = try decoder.decode(raw)
            let fromHeader = try decoder.decodeValidated(validated)
            XCTAssertEqual(fromHeader.1, fromPayload.1, "the header round-trips the observation exactly")
            XCTAssertEqual(fromHeader.0, try Envelope(headers: envelope.headers))

            // A header that disagrees with the envelope is ignored: the payload decides.
            var wrong = fromPayload.1
            wrong.eventID = "someone-else"
            wrong.dimensions.lifecycle = wrong.dimensions.lifecycle == .cancelled ? .open : .cancelled
            let tampered = KafkaMessage(
                topic: "t.validated", partition: 0, offset: Int64(index), key: output.record.key,
                value: output.record.value,
                headers: ObservationHeader.removing(from: output.record.headers) + [
                    try XCTUnwrap(ObservationHeader.header(wrong))
                ])
            XCTAssertEqual(try decoder.decodeValidated(tampered).1, fromPayload.1)
            // Without the header (records from before it existed), the payload is decoded.
            XCTAssertEqual(try decoder.decodeValidated(raw).1, fromPayload.1)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 20)
    }

    func testQuarantineRecordsDoNotCarryTheObservation() throws {
        let observation = ChannelObservation(
            key: OrderKey(channel: .shopify, orderID: "1"), eventID: "e", kind: "orders/updated",
            sourceTimestamp: Date(timeIntervalSince1970: 1_795_000_000.123), dimensions: OrderDimensions())
        let envelope = Envelope(eventID: "e", channel: .shopify, orderID: "1", kind: "orders/updated")
        let message = KafkaMessage(
            topic: "t.validated", partition: 1, offset: 7, key: nil, value: Array("{}".utf8),
            headers: envelope.headers + [try XCTUnwrap(ObservationHeader.header(observation))])
        XCTAssertEqual(ObservationHeader.observation(in: message.headers), observation)
        let output = Quarantine.output(
            message, rejection: .malformedPayload("x"), stage: .translate, topics: PipelineTopics(prefix: "t"),
            replica: "r")
        XCTAssertTrue(output.quarantined)
        XCTAssertFalse(output.record.headers.contains { $0.key == EnvelopeHeader.observation })
    }

    func testBinaryHeaderRoundTripsEveryFieldAndJSONHeadersAreStillRead() throws {
        var facts = OrderFacts()
        facts.trackingNumbers = ["1Z999", "trk-ü-\u{1F}-✓"]
        facts.captureTransactionIDs = ["cap-1"]
        facts.refundIDs = ["r-1", "r-2"]
        facts.cancelledAt = Date(timeIntervalSince1970: 1_795_000_123.456789)
        facts.cancelReason = "customer"
        let full = ChannelObservation(
            key: OrderKey(channel: .amazon, orderID: "902-3159896-1390916"), eventID: "ev-1", kind: "amazon/order",
            sourceTimestamp: Date(timeIntervalSince1970: 1_795_000_000.000_123), version: 42,
            dimensions: OrderDimensions(
                payment: .partiallyRefunded, fulfillment: .partial, lifecycle: .cancelled, returns: .initiated),
            facts: facts)
        let bare = ChannelObservation(
            key: OrderKey(channel: .shopify, orderID: "1"), eventID: "", kind: "",
            sourceTimestamp: Date(timeIntervalSince1970: 0), dimensions: OrderDimensions())
        for observation in [full, bare] {
            let header = try XCTUnwrap(ObservationHeader.header(observation))
            XCTAssertEqual(header.value?.first, 1, "binary format 1")
            XCTAssertEqual(ObservationHeader.observation(in: [header]), observation)
            let json = try XCTUnwrap(ObservationHeader.jsonHeader(observation))
            XCTAssertEqual(json.value?.first, UInt8(ascii: "{"))
            XCTAssertEqual(ObservationHeader.observation(in: [json]), observation, "earlier JSON headers are read")
            // Truncated or padded: unreadable (translate then decodes the payload).
            let bytes = try XCTUnwrap(header.value)
            for cut in [1, 5, bytes.count / 2, bytes.count - 1] {
                XCTAssertNil(
                    ObservationHeader.observation(in: [KafkaHeader(key: header.key, value: Array(bytes.prefix(cut)))]))
            }
            XCTAssertNil(ObservationHeader.observation(in: [KafkaHeader(key: header.key, value: bytes + [0])]))
        }
    }

    /// Issue 9, item 8: a forged `dl-observation` with a NaN, infinite or absurd timestamp is not
    /// trusted: translate decodes the payload instead (it used to reach the ledger and trap).
    func testForgedObservationHeaderWithImplausibleTimesFallsBackToThePayload() async throws {
        let store = StorefrontStore(seed: 12)
        let deliveries = try await StorefrontScenario.lifecycles(store: store, orders: 1, seed: 12)
        let decoder = ObservationDecoder(matrix: try MappingMatrix.default)
        let delivery = try XCTUnwrap(deliveries.first)
        let order = try ShopifyOrder.decode(from: delivery.body)
        let envelope = Envelope(
            eventID: delivery.webhookID, channel: .shopify, orderID: order.id, kind: delivery.topic,
            sourceTimestamp: order.updatedAt)
        let raw = KafkaMessage(
            topic: "t.validated", partition: 0, offset: 0, key: nil, value: delivery.body, headers: envelope.headers)
        let fromPayload = try decoder.decode(raw).1
        for seconds in [Double.nan, .infinity, -.infinity, 1e300, -1e300, -1, 253_402_300_800] {
            for field in ["source", "cancelled"] {
                var forged = fromPayload
                if field == "source" {
                    forged.sourceTimestamp = Date(timeIntervalSince1970: seconds)
                } else {
                    forged.facts.cancelledAt = Date(timeIntervalSince1970: seconds)
                }
                forged.dimensions.lifecycle = .cancelled
                let binary = try XCTUnwrap(ObservationHeader.header(forged))
                XCTAssertNil(ObservationHeader.observation(in: [binary]), "\(field) = \(seconds) s is not trusted")
                let message = KafkaMessage(
                    topic: "t.validated", partition: 0, offset: 0, key: nil, value: delivery.body,
                    headers: envelope.headers + [binary])
                XCTAssertEqual(try decoder.decodeValidated(message).1, fromPayload, "the payload decides")
                if seconds.isFinite, let json = ObservationHeader.jsonHeader(forged) {
                    XCTAssertNil(ObservationHeader.observation(in: [json]), "JSON form, \(field) = \(seconds) s")
                }
            }
        }
        // A payload whose own timestamp is out of range is quarantined with the reason.
        let text = String(decoding: delivery.body, as: UTF8.self)
        let ancient = text.replacingOccurrences(
            of: #""updated_at"\s*:\s*"[^"]*""#, with: #""updated_at":"0001-01-01T00:00:00Z""#,
            options: .regularExpression)
        XCTAssertNotEqual(ancient, text)
        let ancientMessage = KafkaMessage(
            topic: "t.validated", partition: 0, offset: 0, key: nil, value: Array(ancient.utf8),
            headers: envelope.headers)
        XCTAssertThrowsError(try decoder.decodeValidated(ancientMessage)) { error in
            XCTAssertEqual((error as? StageRejection)?.code, "implausible-timestamp", "\(error)")
        }
        // The edges of the range are still read.
        for seconds in [0, 253_402_300_799.0] {
            var edge = fromPayload
            edge.sourceTimestamp = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(ObservationHeader.observation(in: [try XCTUnwrap(ObservationHeader.header(edge))]), edge)
        }
    }
}
