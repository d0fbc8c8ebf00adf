import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// The dispatch stage on a real broker against the ERP simulator: every effect lands exactly once
/// and per order in canonical order through transient faults; refused writes are dead-lettered with
/// the reason; Pattern 4 releases are withheld and Pattern 5 payments carry their transaction id.
final class DispatchStageTests: XCTestCase {
    /// About 1k canonical events (100 orders, a quarter delivered twice) with 20 % 503, 5 % 429 with
    /// `Retry-After`, some timeouts, reset connections and lost answers (applied, then timed out):
    /// every effect exactly once, in order, nothing quarantined. (The 5k-event run of the same fault
    /// mix is `DispatchBenchmarks`' "fault mix" scenario.)
    func testAThousandEventsThroughTransientFaultsLandExactlyOnceInOrder() async throws {
        try await exactlyOnceThroughFaults(broker: nil, orders: 100)
    }

    /// The same on Tansu (an independent broker), smaller.
    func testExactlyOnceThroughFaultsOnTansu() async throws {
        guard let broker = try TestBroker.tansu() else { throw XCTSkip("no Tansu") }
        try await exactlyOnceThroughFaults(broker: broker, orders: 120)
    }

    private func exactlyOnceThroughFaults(broker: TestBroker?, orders: Int) async throws {
        let rig = try await DispatchRig.start(name: "dispatch-faults", broker: broker)
        let matrix = try MappingMatrix.default
        let stream = CanonicalLifecycles.make(orders: orders, seed: 5, duplicateRatio: 0.25, matrix: matrix)
        let expected = CanonicalLifecycles.expected(stream)
        rig.erp.faults.update {
            $0.unavailableRatio = 0.20
            $0.throttledRatio = 0.05
            $0.retryAfterSeconds = 1
            $0.stallRatio = 0.003
            $0.lostAnswerRatio = 0.003
            $0.resetRatio = 0.003
            $0.stall = .seconds(4)
        }
        try await rig.publish(stream)
        // Generous in-place attempts and a 2 s timeout: on a machine busy with other builds a
        // loopback answer can take over a second, and this test is about exactly-once, not the bound.
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = 30
        let stage = try rig.stage(policy: policy, timeout: .seconds(2))
        let running = Task { await stage.run() }
        let started = ContinuousClock.now
        // However busy the machine: fails only when nothing more is consumed for a minute.
        let consumed = await waitMakingProgress(
            progress: { stage.counters.snapshot.consumed },
            until: {
                stage.counters.snapshot.consumed >= stream.count
            })
        let elapsed = ContinuousClock.now - started
        stage.stop()
        await running.value
        XCTAssertTrue(consumed.isDone, "\(consumed): consumed \(stage.counters.snapshot.consumed) of \(stream.count)")

        let counts = stage.counters.snapshot
        XCTAssertEqual(counts.quarantined, 0, "transient faults never give an event up")
        await rig.assertERPMatches(expected)
        let rows = try await rig.appliedEffectRows()
        let expectedIDs = expected.values.flatMap(\.effects).map(\.id)
        XCTAssertEqual(Set(rows.keys), Set(expectedIDs), "a dispatched row for every effect, none other")
        XCTAssertEqual(rows.values.filter { $0 > 1 }.count, 0, "each effect dispatched once")
        XCTAssertEqual(counts.effects, expectedIDs.count)
        // Every delivery of a change that would release a cancelled order's fulfilment is withheld.
        let withheld = stream.filter {
            $0.erpTarget?.action == .itemFulfillmentCreated && !$0.dimensions.allowsFulfilmentRelease
        }.count
        XCTAssertGreaterThan(withheld, 0)
        XCTAssertEqual(counts.withheld, withheld, "every Pattern 4 release withheld")
        XCTAssertEqual(expected.values.filter(\.withheld).count, orders / 5)
        let statuses = rig.erp.statusCounts
        XCTAssertGreaterThan(statuses[503] ?? 0, 0)
        XCTAssertGreaterThan(statuses[429] ?? 0, 0)
        let snapshot = await stage.gate.snapshot
        print(
            "dispatch faults (\(broker == nil ? "mock" : "tansu")): \(stream.count) events, \(orders) orders, "
                + "\(expectedIDs.count) effects in \(elapsed); ERP answers \(statuses.sorted { $0.key < $1.key }); "
                + "breaker opened \(snapshot.opens)×")
        await rig.finish()
    }

    /// Pattern 4: a cancelled-upstream order never gets a fulfilment, its sales order is cancelled
    /// and the trail says why. Pattern 5: the capture's transaction id is on the deposit, and an ERP
    /// payment no capture explains is reported.
    func testPatternFourWithholdsReleaseAndPatternFiveCarriesTheTransactionID() async throws {
        let rig = try await DispatchRig.start(name: "dispatch-patterns", partitions: 2)
        let matrix = try MappingMatrix.default
        let cancelled = CanonicalLifecycles.lifecycle(
            OrderKey(channel: .shopify, orderID: "P4"), kind: .cancelledWhileShipping, matrix: matrix)
        let happy = CanonicalLifecycles.lifecycle(
            OrderKey(channel: .amazon, orderID: "P5"), kind: .happy, matrix: matrix)
        // The ERP already holds a payment for P5 that no channel capture explains.
        try await rig.publish(Array(happy.prefix(1)))
        var policy = DispatchRig.fastPolicy
        policy.viewTTL = .zero  // read the ERP before every batch: the clerk's payment is seen at once
        let stage = try rig.stage(policy: policy)
        let running = Task { await stage.run() }
        let firstConsumed = await eventually { stage.counters.snapshot.consumed >= 1 }
        XCTAssertTrue(firstConsumed, "P5's first event was dispatched before the clerk's payment")
        let salesOrder = await rig.erp.store.find(
            .salesOrder, id: "eid:" + ERPEffect.externalID("so", "amazon", "P5"))
        let parent = try XCTUnwrap(salesOrder?.id)
        // Entered by hand in the ERP (through its API, as a clerk's integration would).
        let clerk = try ERPClient(configuration: rig.erpConfiguration())
        let manual = try JSONSerialization.data(
            withJSONObject: ["salesOrder": ["id": parent], NetSuiteFields.paymentReference: "ch_manual_9"])
        let entered = await clerk.upsert("customerDeposit", externalId: "manual-1", body: manual)
        guard case .done = entered else { return XCTFail("\(entered)") }
        try await rig.publish(Array(happy.dropFirst()) + cancelled)
        let total = happy.count + cancelled.count
        let done = await eventually { stage.counters.snapshot.consumed >= total }
        stage.stop()
        await running.value
        XCTAssertTrue(done)

        let records = await rig.erp.store.allRecords()
        let p4 = try XCTUnwrap(records.first { $0.externalId == ERPEffect.externalID("so", "shopify", "P4") })
        XCTAssertEqual(p4.status?.id, "C", "cancelled in the ERP instead of released")
        XCTAssertFalse(
            records.contains { $0.createdFrom == p4.id && $0.type == .itemFulfillment }, "no fulfilment released")
        let deposits = records.filter { $0.salesOrder == parent && $0.type == .customerDeposit }
        XCTAssertEqual(
            Set(deposits.compactMap { $0.fields[NetSuiteFields.paymentReference] }), ["ch_P5_1", "ch_manual_9"],
            "the capture's deposit carries its transaction id; the manual one is left alone")
        try await rig.rig.writer.flush()
        let rows = try await rig.rig.ledger.search(AuditQuery(stage: "dispatch", limit: 10_000))
        XCTAssertTrue(rows.contains { $0.orderKey == "shopify:P4" && $0.reason == "pattern-4-withheld" })
        let unmatched = rows.filter { $0.reason == "unmatched-erp-payment" }
        XCTAssertFalse(unmatched.isEmpty)
        XCTAssertTrue(unmatched.allSatisfy { $0.orderKey == "amazon:P5" && ($0.detail ?? "").contains("ch_manual_9") })
        XCTAssertGreaterThan(stage.counters.snapshot.unmatchedPayments, 0)
        await rig.finish()
    }

    /// A write the ERP refuses (422 for one order) dead-letters that order's events with the reason,
    /// the HTTP status and the retry envelope; every other order is dispatched.
    func testRefusedWritesAreDeadLetteredWithTheReason() async throws {
        let rig = try await DispatchRig.start(name: "dispatch-refused", partitions: 3)
        let matrix = try MappingMatrix.default
        let stream = CanonicalLifecycles.make(orders: 20, seed: 3, duplicateRatio: 0, matrix: matrix, prefix: "R")
        let refused = ERPEffect.externalID("so", "shopify", "R10000")
        rig.erp.faults.update { $0.invalidOrders = [refused] }
        try await rig.publish(stream)
        let stage = try rig.stage()
        let running = Task { await stage.run() }
        let done = await eventually { stage.counters.snapshot.consumed >= stream.count }
        stage.stop()
        await running.value
        XCTAssertTrue(done)
        let refusedEvents = stream.filter { $0.orderID == "R10000" }.count
        XCTAssertEqual(stage.counters.snapshot.refused, refusedEvents)
        XCTAssertEqual(stage.counters.snapshot.deadLettered, refusedEvents)
        XCTAssertEqual(stage.counters.snapshot.quarantined, 0)
        let broker = rig.rig.broker
        let reader = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("q"), topics: [rig.topics.deadLetter])
        let deadLetters = try await broker.consume(reader, count: refusedEvents, timeout: .seconds(30))
        XCTAssertEqual(deadLetters.count, refusedEvents)
        for record in deadLetters {
            XCTAssertEqual(record.header(EnvelopeHeader.stage)?.stringValue, "dispatch")
            let reason = record.header(EnvelopeHeader.reason)?.stringValue ?? ""
            XCTAssertTrue(reason.hasPrefix("erp-refused: HTTP 422"), reason)
            XCTAssertEqual(record.header(EnvelopeHeader.originalTopic)?.stringValue, rig.topics.canonical)
            XCTAssertEqual(record.header(EnvelopeHeader.attempts)?.stringValue, "1")
            XCTAssertEqual(record.header(EnvelopeHeader.lastStatus)?.stringValue, "422")
            XCTAssertNotNil(record.header(EnvelopeHeader.firstFailure))
            XCTAssertNotNil(record.header(EnvelopeHeader.eventID), "the envelope travels with it")
            XCTAssertNotNil(record.value, "the canonical event stays replayable")
        }
        let others = CanonicalLifecycles.expected(stream.filter { $0.orderID != "R10000" })
        let store = rig.erp.store
        for (key, order) in others {
            let record = await store.find(
                .salesOrder, id: "eid:" + ERPEffect.externalID("so", key.channel.rawValue, key.orderID))
            XCTAssertEqual(record?.status?.id, order.netSuiteStatus, "\(key)")
        }
        await rig.finish()
    }
}
