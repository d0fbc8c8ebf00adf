import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Pipeline
import Simulators
import Synchronization
import XCTest

/// A record the broker will never accept (here: larger than the producer's `message.max.bytes`,
/// `MSG_SIZE_TOO_LARGE`) is quarantined with the reason and audited; the stage moves on instead of
/// retrying it forever.
final class UndeliverableRecordTests: XCTestCase {
    func testValidateQuarantinesATooLargeRecordAndKeepsGoing() async throws {
        let rig = try await StageRig.start(partitions: 3, name: "undeliverable")
        let (broker, topics, ledger, writer) = (rig.broker, rig.topics, rig.ledger, rig.writer)
        let feeder = try KafkaProducer(config: broker.config())
        // The stage's producer refuses records above 64 KB locally (MSG_SIZE_TOO_LARGE).
        let small = try KafkaProducer(config: broker.config(["message.max.bytes": "65536"]))

        let store = StorefrontStore(seed: 41)
        let deliveries = try await makeLifecycles(store: store, orders: 6, seed: 41)
        let bigIndex = deliveries.count / 2
        var records: [ProducerRecord] = []
        var bigEventID = ""
        for (index, delivery) in deliveries.enumerated() {
            var body = delivery.body
            if index == bigIndex {
                // Still a valid order (well under the 1 MB payload limit), but too large for the producer.
                var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
                object["note"] = String(repeating: "x", count: 200_000)
                body = Array(try JSONSerialization.data(withJSONObject: object))
                bigEventID = delivery.webhookID
            }
            records.append(try ingestRecord(delivery, topic: topics.ingestRaw, body: body).record)
        }
        _ = try await feeder.send(records)

        var logger = Logger(label: "undeliverable-test")
        logger.logLevel = .critical
        let stage = try ValidateStage(
            kafka: broker.consumerConfig(), topics: topics, matrix: try MappingMatrix.default, sink: small,
            audit: LedgerAuditSink(writer: writer), replica: "validate-u",
            options: KafkaConsumerOptions(bufferCapacity: 100, maxBatchSize: 10), logger: logger)
        let run = Task { await stage.run() }
        let total = records.count
        let done = await eventually(timeout: .seconds(60)) { stage.counters.snapshot.consumed >= total }
        XCTAssertTrue(done, "the stage got past the refused record: \(stage.counters.snapshot)")
        stage.stop()
        await run.value
        let counts = stage.counters.snapshot
        XCTAssertEqual(counts.consumed, records.count)
        XCTAssertEqual(counts.quarantined, 1)
        XCTAssertEqual(counts.produced, records.count - 1, "every other record was forwarded")

        // On the quarantine topic: the envelope and the reason, without the oversized value.
        let quarantine = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("q"), topics: [topics.quarantine])
        let quarantined = try await broker.consume(quarantine, count: 1, timeout: .seconds(30))
        XCTAssertEqual(quarantined.count, 1)
        let record = try XCTUnwrap(quarantined.first)
        XCTAssertEqual(record.header(EnvelopeHeader.eventID)?.stringValue, bigEventID)
        XCTAssertEqual(record.header(EnvelopeHeader.stage)?.stringValue, "validate")
        let reason = try XCTUnwrap(record.header(EnvelopeHeader.reason)?.stringValue)
        XCTAssertTrue(reason.hasPrefix("undeliverable: "), reason)
        XCTAssertTrue(reason.contains("code 10"), "MSG_SIZE_TOO_LARGE: \(reason)")
        XCTAssertNil(record.value)
        XCTAssertEqual(record.header(EnvelopeHeader.originalTopic)?.stringValue, topics.ingestRaw)

        // Validated: everything else (records of the refused one's batch may be there twice: the
        // batch was re-sent record by record to find the refused one).
        let expectedIDs = Set(deliveries.map(\.webhookID)).subtracting([bigEventID])
        let validated = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("v"), topics: [topics.validated])
        let seen = Mutex<Set<String>>([])
        _ = try await withDeadline(.seconds(30)) {
            for await batch in validated.messages {
                let all = seen.withLock { ids in
                    ids.formUnion(batch.compactMap { $0.header(EnvelopeHeader.eventID)?.stringValue })
                    return ids.isSuperset(of: expectedIDs)
                }
                if all { break }
            }
            return true
        }
        await validated.close()
        XCTAssertEqual(seen.withLock { $0 }, expectedIDs)

        // Audited as quarantined/undeliverable.
        try await writer.flush()
        let rows = try await ledger.search(AuditQuery(hops: [.quarantined], limit: 1_000))
        XCTAssertEqual(rows.map(\.eventID), [bigEventID])
        XCTAssertEqual(rows.first?.reason, "undeliverable")
        await feeder.close()
        await small.close()
        await rig.finish()
    }

    func testTranslateQuarantinesCanonicalRecordsTheBrokerRefusesAndSavesTheStates() async throws {
        let rig = try await StageRig.start(partitions: 3, name: "undeliverable-t")
        let (broker, topics, ledger, writer) = (rig.broker, rig.topics, rig.ledger, rig.writer)
        let feeder = try KafkaProducer(config: broker.config())
        // 1,000 bytes (librdkafka's minimum): a canonical event (JSON value + envelope) is larger; a
        // quarantine record (envelope + reason, no value) is not.
        let small = try KafkaProducer(config: broker.config(["message.max.bytes": "1000"]))

        let store = StorefrontStore(seed: 43)
        let deliveries = try await makeLifecycles(store: store, orders: 8, seed: 43)
        let expected = try inOrderExpectation(deliveries)
        var records: [ProducerRecord] = []
        for delivery in deliveries {
            records.append(try ingestRecord(delivery, topic: topics.validated).record)
        }
        _ = try await feeder.send(records)

        var logger = Logger(label: "undeliverable-test")
        logger.logLevel = .critical
        let stage = try TranslateStage(
            kafka: broker.consumerConfig(), topics: topics, matrix: try MappingMatrix.default, sink: small,
            ledger: ledger, audit: LedgerAuditSink(writer: writer), replica: "translate-u",
            options: KafkaConsumerOptions(bufferCapacity: 100, maxBatchSize: 10), logger: logger)
        let run = Task { await stage.run() }
        let total = records.count
        let done = await eventually(timeout: .seconds(60)) { stage.counters.snapshot.consumed >= total }
        XCTAssertTrue(done, "the stage got past the refused records: \(stage.counters.snapshot)")
        stage.stop()
        await run.value
        let counts = stage.counters.snapshot
        XCTAssertGreaterThan(counts.translated, 0)
        XCTAssertGreaterThan(counts.quarantined, 0, "canonical records over 1,000 bytes were quarantined")
        XCTAssertEqual(
            counts.produced + counts.quarantined, counts.translated,
            "each state change is either on canonical or quarantined")

        // The state changes were saved all the same: every order reached its in-order state.
        let keys = Array(expected.keys)
        let rows = try await ledger.loadStates(orders: keys)
        XCTAssertEqual(rows.count, keys.count)
        for row in rows { XCTAssertEqual(row.state, expected[row.orderKey]?.rawValue, row.orderKey) }

        // On the quarantine topic, with the reason, once each.
        let quarantine = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("q"), topics: [topics.quarantine])
        let quarantined = try await broker.consume(quarantine, count: counts.quarantined, timeout: .seconds(30))
        XCTAssertEqual(quarantined.count, counts.quarantined)
        for record in quarantined {
            XCTAssertEqual(record.header(EnvelopeHeader.stage)?.stringValue, "translate")
            XCTAssertTrue(record.header(EnvelopeHeader.reason)?.stringValue?.hasPrefix("undeliverable: ") ?? false)
            XCTAssertNil(record.value)
        }
        try await writer.flush()
        let audited = try await ledger.search(AuditQuery(hops: [.quarantined], limit: 10_000))
        XCTAssertEqual(audited.count, counts.quarantined)
        XCTAssertTrue(audited.allSatisfy { $0.reason == "undeliverable" })
        XCTAssertEqual(Set(audited.map(\.eventID)).count, audited.count)
        await feeder.close()
        await small.close()
        await rig.finish()
    }
}
