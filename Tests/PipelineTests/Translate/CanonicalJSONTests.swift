import Foundation
import JSONText
import Ledger
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// The hand-written JSON of translate against `JSONEncoder`, its reference: canonical events must be
/// the same bytes as `CanonicalEvent.encoder` writes, stored states must read back to the same state.
final class CanonicalJSONTests: XCTestCase {
    /// Strings that need every kind of escape, plus non-ASCII text.
    private static let awkward: [String] = [
        "", "plain", "quote\"d", "back\\slash", "a/b", "tab\tnew\nline\r", "\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}",
        "é ü ß", "😀 emoji", "\u{7f}\u{2028}", "ch_3Mxyz/pi_1", "#1001",
    ]

    private func randomString(_ random: inout SeededRandom) -> String {
        if Int.random(in: 0..<3, using: &random) == 0 { return Self.awkward.randomElement(using: &random) ?? "" }
        let scalars = (0..<Int.random(in: 0..<24, using: &random)).compactMap { _ in
            Unicode.Scalar(UInt32.random(in: 0..<0x300, using: &random))
        }
        return String(String.UnicodeScalarView(scalars))
    }

    private func randomDimensions(_ random: inout SeededRandom) -> OrderDimensions {
        OrderDimensions(
            payment: PaymentStatus.allCases.randomElement(using: &random) ?? .pending,
            fulfillment: FulfillmentStatus.allCases.randomElement(using: &random) ?? .unfulfilled,
            lifecycle: LifecycleStatus.allCases.randomElement(using: &random) ?? .open,
            returns: ReturnStatus.allCases.randomElement(using: &random) ?? .none)
    }

    private func randomDate(_ random: inout SeededRandom) -> Date {
        // Whole milliseconds, as RFC 3339 text keeps them, and odd fractions.
        let millis = Double(Int64.random(in: 1_600_000_000_000...1_900_000_000_000, using: &random))
        return Date(timeIntervalSince1970: Bool.random(using: &random) ? millis / 1000 : millis / 1000 + 0.000_123_4)
    }

    private func randomFacts(_ random: inout SeededRandom) -> OrderFacts {
        let cancelled = Bool.random(using: &random)
        return OrderFacts(
            trackingNumbers: (0..<Int.random(in: 0..<3, using: &random)).map { _ in randomString(&random) },
            captureTransactionIDs: (0..<Int.random(in: 0..<3, using: &random)).map { _ in randomString(&random) },
            refundIDs: (0..<Int.random(in: 0..<2, using: &random)).map { _ in randomString(&random) },
            cancelledAt: cancelled ? randomDate(&random) : nil,
            cancelReason: cancelled && Bool.random(using: &random) ? randomString(&random) : nil)
    }

    func testCanonicalEventBytesEqualJSONEncoder() throws {
        var random = SeededRandom(seed: 42)
        for round in 0..<500 {
            let key = OrderKey(
                channel: Channel.allCases.randomElement(using: &random) ?? .shopify,
                orderID: randomString(&random) + "\(round)")
            let previous = Bool.random(using: &random) ? randomDimensions(&random) : nil
            let dimensions = randomDimensions(&random)
            let event = CanonicalEvent(
                eventID: randomString(&random), orderKey: key, channel: key.channel, orderID: key.orderID,
                sourceEventID: randomString(&random), sourceKind: randomString(&random),
                sourceTimestamp: randomDate(&random),
                previousState: previous?.canonicalState, state: dimensions.canonicalState, previousDimensions: previous,
                dimensions: dimensions, facts: randomFacts(&random),
                erpTarget: Bool.random(using: &random)
                    ? ERPTarget(
                        status: ERPStatusCode.allCases.randomElement(using: &random) ?? .pendingApproval,
                        action: ERPRecordAction.allCases.randomElement(using: &random) ?? .salesOrderCreated)
                    : nil,
                version: Int64.random(in: -5...Int64.max, using: &random),
                mappingVersion: Int.random(in: 0...1000, using: &random),
                traceID: randomString(&random))
            let expected = try CanonicalEvent.encoder.encode(event)
            let written = CanonicalJSON.bytes(of: event)
            XCTAssertEqual(
                String(decoding: written, as: UTF8.self), String(decoding: expected, as: UTF8.self), "round \(round)")
            if written != Array(expected) { return }
        }
    }

    func testStoredStateReadsBackAndMatchesJSONEncoderDocument() throws {
        // What the stored state was written with before `CanonicalJSON`.
        let storedStateEncoder = JSONEncoder()
        storedStateEncoder.outputFormatting = [.sortedKeys]
        storedStateEncoder.dateEncodingStrategy = .millisecondsSince1970
        var random = SeededRandom(seed: 7)
        for round in 0..<500 {
            let state = OrderState(
                key: OrderKey(channel: .shopify, orderID: "o\(round)"), dimensions: randomDimensions(&random),
                facts: randomFacts(&random),
                position: EventPosition(
                    sourceTimestamp: randomDate(&random),
                    version: Bool.random(using: &random) ? Int64.random(in: 0...99, using: &random) : nil,
                    eventID: randomString(&random)),
                appliedEventIDs: (0..<Int.random(in: 0..<4, using: &random)).map { _ in randomString(&random) })
            let record = StoredOrderState.record(state, version: Int64(round + 1), lastEventID: state.position.eventID)
            // The same document as JSONEncoder writes, as parsed JSON, and it reads back the same.
            let reference = try storedStateEncoder.encode(
                StoredOrderState.Payload(
                    payment: state.dimensions.payment, fulfillment: state.dimensions.fulfillment,
                    lifecycle: state.dimensions.lifecycle, returns: state.dimensions.returns,
                    facts: state.facts, position: state.position))
            let ours = try JSONSerialization.jsonObject(with: Data(record.dimensionsJSON.utf8)) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: reference) as? NSDictionary
            XCTAssertEqual(ours, theirs, "round \(round)")
            var referenceRecord = record
            referenceRecord.dimensionsJSON = String(decoding: reference, as: UTF8.self)
            let readBack = try XCTUnwrap(StoredOrderState.state(record))
            XCTAssertEqual(
                readBack, StoredOrderState.state(referenceRecord), "round \(round): \(record.dimensionsJSON)")
            // Milliseconds as a double: the same state up to well below a microsecond.
            XCTAssertEqual(readBack.dimensions, state.dimensions)
            XCTAssertEqual(readBack.facts.trackingNumbers, state.facts.trackingNumbers)
            XCTAssertEqual(readBack.position.eventID, state.position.eventID)
            XCTAssertEqual(readBack.position.version, state.position.version)
            XCTAssertEqual(readBack.appliedEventIDs, state.appliedEventIDs)
            XCTAssertEqual(
                readBack.position.sourceTimestamp.timeIntervalSince1970,
                state.position.sourceTimestamp.timeIntervalSince1970,
                accuracy: 1e-6)
            // Any reader can take the dimensions from it.
            XCTAssertEqual(
                try JSONDecoder().decode(OrderDimensions.self, from: Data(record.dimensionsJSON.utf8)), state.dimensions
            )
        }
    }

    func testWriterEscapesLikeJSONEncoder() throws {
        for slashes in [false, true] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = slashes ? [] : [.withoutEscapingSlashes]
            var all = String(String.UnicodeScalarView((0..<0x80).compactMap { Unicode.Scalar(UInt32($0)) }))
            all += "é😀\u{2028}"
            var writer = JSONTextWriter(escapeSlashes: slashes)
            writer.strings(Self.awkward + [all])
            writer.beginArray()
            writer.int(Int64.min)
            writer.int(0)
            writer.int(UInt64.max)
            writer.null()
            writer.bool(true)
            writer.endArray()
            let expectedStrings = try encoder.encode(Self.awkward + [all])
            let expectedTail = "[-9223372036854775808,0,18446744073709551615,null,true]"
            XCTAssertEqual(
                String(decoding: writer.bytes, as: UTF8.self),
                String(decoding: expectedStrings, as: UTF8.self) + "," + expectedTail)
        }
    }
}
