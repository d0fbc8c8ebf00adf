import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Pipeline
import Simulators
import XCTest

/// Two translate replicas (own consumers, one group) share the partitions of `<p>.validated`; one
/// stops mid-run: no event is lost and none is applied twice, and an event is audited as applied by
/// the other replica only when it really was. On SQLite and on PostgreSQL (the replicas' ledger).
final class TranslateReplicaTests: XCTestCase {
    func testTwoReplicasShareAndOneStopsMidRun() async throws {
        try await twoReplicasShareAndOneStopsMidRun(.sqlite)
    }

    func testTwoReplicasShareAndOneStopsMidRunOnPostgres() async throws {
        try await twoReplicasShareAndOneStopsMidRun(.postgres)
    }

    private func twoReplicasShareAndOneStopsMidRun(_ backend: StageRig.Backend) async throws {
        let rig = try await StageRig.start(partitions: 6, name: "replicas", backend: backend)
        let (broker, topics, ledger, writer) = (rig.broker, rig.topics, rig.ledger, rig.writer)
        let audit = LedgerAuditSink(writer: writer)
        let producer = try KafkaProducer(config: broker.config())
        let matrix = try MappingMatrix.default

        // 400 orders' events, in order per order, straight onto the validated topic.
        let store = StorefrontStore(seed: 17)
        let deliveries = try await makeLifecycles(store: store, orders: 400, seed: 23)
        let translator = ChannelTranslator(matrix: matrix)
        var records: [ProducerRecord] = []
        var changing: Set<String> = []
        var states: [String: OrderState] = [:]
        for delivery in deliveries {
            let (record, _) = try ingestRecord(delivery, topic: topics.validated)
            records.append(record)
            // From the raw body, as the stage reads it: the order's content is part of what an event changes.
            let observation = try translator.translate(
                channel: .shopify, payload: delivery.body, eventID: delivery.webhookID, kind: delivery.topic)
            let decision = OrderStateMachine().decide(
                current: states[observation.key.description], observation: observation)
            if decision.changesState { changing.insert(delivery.webhookID) }
            if let next = decision.newState { states[observation.key.description] = next }
        }
        _ = try await producer.send(records)

        let options = KafkaConsumerOptions(bufferCapacity: 200, maxBatchSize: 50)
        var logger = Logger(label: "replica-test")
        logger.logLevel = .warning
        func replica(_ name: String) throws -> TranslateStage {
            try TranslateStage(
                kafka: broker.consumerConfig(), topics: topics, matrix: matrix, sink: producer, ledger: ledger,
                audit: audit, replica: name, options: options, logger: logger)
        }
        let first = try replica("translate-a")
        let second = try replica("translate-b")
        let runFirst = Task { await first.run() }
        let runSecond = Task { await second.run() }

        // Both replicas get work; stop the second mid-run.
        let bothBusy = await eventually(timeout: .seconds(60)) {
            first.counters.snapshot.consumed > 0 && second.counters.snapshot.consumed > 0
        }
        XCTAssertTrue(
            bothBusy,
            "both replicas consumed: \(first.counters.snapshot.consumed), \(second.counters.snapshot.consumed)")
        let total = records.count
        let progressed = await waitMakingProgress(
            progress: { first.counters.snapshot.consumed + second.counters.snapshot.consumed },
            until: { first.counters.snapshot.consumed + second.counters.snapshot.consumed >= total * 3 / 10 })
        XCTAssertTrue(progressed.isDone, "30 % translated before the second replica stops: \(progressed)")
        let midRun = first.counters.snapshot.consumed + second.counters.snapshot.consumed
        XCTAssertLessThan(midRun, total, "stopped before the end")
        second.stop()
        await runSecond.value

        let keys = Array(states.keys)
        let expected = states.mapValues(\.canonicalState.rawValue)
        let done = try await eventually(timeout: .seconds(120)) {
            let rows = try await ledger.loadStates(orders: keys)
            return rows.count == keys.count && rows.allSatisfy { $0.state == expected[$0.orderKey] }
        }
        XCTAssertTrue(done, "every order reached its in-order state")
        first.stop()
        await runFirst.value
        try await writer.flush()

        let rows = try await ledger.search(AuditQuery(stage: "translate", limit: 1_000_000))
        let translated = rows.filter { $0.hop == .translated }.map(\.eventID)
        XCTAssertEqual(translated.count, Set(translated).count, "no event translated twice")
        XCTAssertEqual(Set(translated), changing, "exactly the state-changing events were translated")
        // A row is relabelled applied-by-other-replica only for an event the other replica
        // translated (in a rebalance both may process it): never for one nobody else translated.
        let elsewhere = rows.filter { $0.reason == "applied-by-other-replica" }.map(\.eventID)
        XCTAssertTrue(
            Set(elsewhere).isSubset(of: Set(translated)),
            "\(Set(elsewhere).subtracting(translated).count) events labelled applied-by-other-replica that no replica translated"
        )
        let seen = Set(rows.map(\.eventID))
        XCTAssertEqual(seen, Set(deliveries.map(\.webhookID)), "no event lost")
        let (a, b) = (first.counters.snapshot, second.counters.snapshot)
        XCTAssertGreaterThan(
            first.consumerStatistics.backPressurePauses, 0,
            "the stage fell behind its 200-record buffer: partitions were paused")
        XCTAssertGreaterThan(b.translated, 0)
        XCTAssertGreaterThan(a.translated, 0)
        print(
            "replicas (\(backend.rawValue)): \(total) events; a consumed \(a.consumed) (translated \(a.translated)), "
                + "b consumed \(b.consumed) (translated \(b.translated)) before stopping at ~\(midRun); "
                + "applied elsewhere \(a.appliedElsewhere + b.appliedElsewhere)")
        await producer.close()
        await rig.finish()
    }
}
