import Foundation
import Kafka
import Ledger
import XCTest

@testable import Pipeline

/// How the dead-letter stage reads a record: the header contract, and records with damaged or
/// missing headers (they still become cases).
final class CaseArrivalReaderTests: XCTestCase {
    private func message(_ headers: [(String, String)], key: String? = "shopify:1", value: String? = "{}")
        -> KafkaMessage
    {
        KafkaMessage(
            topic: "p.quarantine", partition: 2, offset: 9, key: key.map { Array($0.utf8) },
            value: value.map { Array($0.utf8) }, headers: headers.map { KafkaHeader(key: $0.0, string: $0.1) },
            timestamp: nil)
    }

    func testReasonSplitsIntoCodeAndDetail() {
        XCTAssertEqual(CaseArrivalReader.split("unmapped-status: financial_status=x").code, "unmapped-status")
        XCTAssertEqual(CaseArrivalReader.split("unmapped-status: financial_status=x").detail, "financial_status=x")
        XCTAssertEqual(CaseArrivalReader.split("erp-refused: HTTP 422 on a: b").detail, "HTTP 422 on a: b")
        XCTAssertEqual(CaseArrivalReader.split("erp-conflict").code, "erp-conflict")
        XCTAssertEqual(CaseArrivalReader.split("erp-conflict").detail, "")
        XCTAssertEqual(CaseArrivalReader.split("something odd happened").code, "unknown")
        XCTAssertEqual(CaseArrivalReader.split("not a code: x").code, "unknown")
        XCTAssertEqual(CaseArrivalReader.split("not a code: x").detail, "not a code: x")
    }

    func testContractHeadersAreRead() throws {
        let arrival = CaseArrivalReader.arrival(
            message([
                ("dl-event-id", "e1"), ("dl-channel", "amazon"), ("dl-order-id", "902-1"), ("dl-trace-id", "t1"),
                ("dl-stage", "dispatch"), ("dl-reason", "erp-unavailable: timeout"), ("dl-orig-topic", "p.canonical"),
                ("dl-orig-partition", "1"), ("dl-orig-offset", "77"), ("dl-attempts", "12"),
                ("dl-first-failure", "2026-11-18T10:00:00.250Z"), ("dl-last-error", String(repeating: "x", count: 300)),
                ("dl-effect-id", "amazon:902-1#status#3"), ("dl-tier", "5m"), ("dl-case-id", "41"),
            ]))
        XCTAssertEqual(arrival.orderKey, "amazon:902-1")
        XCTAssertEqual(arrival.channel, "amazon")
        XCTAssertEqual(arrival.eventID, "e1")
        XCTAssertEqual(arrival.traceID, "t1")
        XCTAssertEqual(arrival.reopens, 41)
        let p = arrival.provenance
        XCTAssertEqual(
            [p.sourceTopic, p.stage, p.reasonCode, p.reasonDetail],
            ["p.quarantine", "dispatch", "erp-unavailable", "timeout"])
        XCTAssertEqual(p.sourcePartition, 2)
        XCTAssertEqual(p.sourceOffset, 9)
        XCTAssertEqual(p.originalTopic, "p.canonical")
        XCTAssertEqual(p.originalPartition, 1)
        XCTAssertEqual(p.originalOffset, 77)
        XCTAssertEqual(p.attempts, 12)
        XCTAssertNil(p.httpStatus, "no dl-last-status: there was no answer")
        XCTAssertEqual(p.lastError?.count, 200)
        XCTAssertEqual(p.firstFailure?.timeIntervalSince1970 ?? 0, 1_794_996_000.25, accuracy: 0.001)
        XCTAssertEqual(p.effectID, "amazon:902-1#status#3")
        XCTAssertEqual(p.tier, "5m")
    }

    func testDamagedHeadersStillMakeACase() {
        let arrival = CaseArrivalReader.arrival(
            message([("dl-attempts", "many"), ("dl-orig-offset", "-x"), ("dl-case-id", "nope")], value: nil))
        XCTAssertEqual(arrival.orderKey, "shopify:1", "the record key when the envelope is missing")
        XCTAssertEqual(arrival.eventID, "p.quarantine/2/9")
        XCTAssertEqual(arrival.provenance.stage, "unknown")
        XCTAssertEqual(arrival.provenance.reasonCode, "unknown")
        XCTAssertNil(arrival.provenance.attempts)
        XCTAssertNil(arrival.provenance.originalOffset)
        XCTAssertNil(arrival.reopens)
        XCTAssertNil(arrival.payload.value)
        let keyless = CaseArrivalReader.arrival(message([], key: nil))
        XCTAssertEqual(keyless.orderKey, "p.quarantine/2/9")
    }
}
