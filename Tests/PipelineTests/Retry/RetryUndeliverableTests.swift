import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// The retry stage's own sends go through the stage's `BatchDelivery`: a record the broker refuses
/// for good (here: larger than the retry stage producer's `message.max.bytes`, `MSG_SIZE_TOO_LARGE`)
/// is quarantined with the reason and the order moves on, instead of being retried until the stage
/// stops.
final class RetryUndeliverableTests: XCTestCase {
    func testADeadLetterRecordTheBrokerRefusesIsQuarantinedAndTheOrderReleased() async throws {
        let rig = try await DispatchRig.start(name: "retry-undeliverable", partitions: 2)
        let matrix = try MappingMatrix.default
        let key = OrderKey(channel: .shopify, orderID: "BIG1")
        let head = try XCTUnwrap(CanonicalLifecycles.lifecycle(key, kind: .happy, matrix: matrix).first)
        // First a transient failure: dispatch sends the event to the first tier and holds the order.
        rig.erp.faults.update {
            $0.invalidOrders = [ERPEffect.externalID("so", "shopify", "BIG1")]
            $0.invalidStatus = 503
        }
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = 1
        try await rig.publish([head])
        let dispatch = try rig.stage(policy: policy)
        let dispatching = Task { await dispatch.run() }
        let parking = try rig.parking()
        let held = await eventually(timeout: .seconds(60)) {
            guard dispatch.counters.snapshot.retried >= 1 else { return false }
            return (try? await parking.parkingCounts()).map { $0.held == 1 } ?? false
        }
        dispatch.stop()
        await dispatching.value
        XCTAssertTrue(held, "the event is on the first tier, its order held: \(dispatch.counters.snapshot)")

        // Then the ERP refuses it for good: the retry stage dead-letters it, through a producer
        // that refuses records above 1,000 bytes (librdkafka's minimum) — the dead-letter record
        // (the canonical event + envelope) is larger, its quarantine record (no value) is not.
        rig.erp.faults.update { $0.invalidStatus = 422 }
        let small = try KafkaProducer(config: rig.rig.broker.config(["message.max.bytes": "1000"]))
        var logger = Logger(label: "retry-undeliverable-test")
        logger.logLevel = .critical
        let retry = try RetryStage(
            kafka: rig.rig.broker.consumerConfig(), topics: rig.topics, erp: rig.erpConfiguration(), policy: policy,
            sink: small, audit: LedgerAuditSink(writer: rig.rig.writer), parking: parking, replica: "retry-u",
            options: KafkaConsumerOptions(bufferCapacity: 100, maxBatchSize: 10), logger: logger)
        let retrying = Task { await retry.run() }
        let moved = await eventually(timeout: .seconds(60)) {
            guard retry.counters.snapshot.quarantined >= 1 else { return false }
            return (try? await parking.parkingCounts()).map { $0.held == 0 } ?? false
        }
        retry.stop()
        await retrying.value
        let counts = retry.counters.snapshot
        XCTAssertTrue(moved, "the refused record was quarantined and the order released: \(counts)")
        XCTAssertEqual(counts.quarantined, 1)
        XCTAssertEqual(counts.deadLettered, 0, "the dead-letter record never reached the broker")

        // On the quarantine topic: the envelope and the reason, without the value.
        let quarantine = try KafkaConsumer(
            config: rig.rig.broker.consumerConfig(), groupID: rig.rig.broker.uniqueName("q"),
            topics: [rig.topics.quarantine])
        let quarantined = try await rig.rig.broker.consume(quarantine, count: 1, timeout: .seconds(30))
        let record = try XCTUnwrap(quarantined.first)
        XCTAssertEqual(record.header(EnvelopeHeader.eventID)?.stringValue, head.eventID)
        XCTAssertEqual(record.header(EnvelopeHeader.stage)?.stringValue, "retry")
        let reason = try XCTUnwrap(record.header(EnvelopeHeader.reason)?.stringValue)
        XCTAssertTrue(reason.hasPrefix("undeliverable: "), reason)
        XCTAssertTrue(reason.contains("code 10"), "MSG_SIZE_TOO_LARGE: \(reason)")
        XCTAssertNil(record.value)

        // Audited as quarantined/undeliverable by the retry stage.
        try await rig.rig.writer.flush()
        let rows = try await rig.rig.ledger.search(AuditQuery(hops: [.quarantined], limit: 100))
        XCTAssertEqual(rows.map(\.eventID), [head.eventID])
        XCTAssertEqual(rows.first?.reason, "undeliverable")
        XCTAssertEqual(rows.first?.stage, "retry")
        await small.close()
        await rig.finish()
    }
}
