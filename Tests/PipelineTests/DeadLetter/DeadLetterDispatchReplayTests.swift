import DriftlessTesting
import Foundation
import Kafka
import Ledger
import OrderModel
import Pipeline
import Simulators
import XCTest

/// Dispatch failures as cases: writes the ERP refuses (422) become cases; once the ERP accepts them,
/// a replay re-enters at `<p>.canonical`, dispatch lands the order's state, the cases resolve — and a
/// forced second replay changes nothing in the ERP (deterministic effect ids).
final class DeadLetterDispatchReplayTests: XCTestCase {
    func testRefusedWritesReplayedOnceTheERPAcceptsThemResolveWithoutDuplicates() async throws {
        let rig = try await DispatchRig.start(name: "dl-dispatch", partitions: 2)
        let matrix = try MappingMatrix.default
        let stream = CanonicalLifecycles.make(orders: 4, seed: 5, duplicateRatio: 0, matrix: matrix, prefix: "Q")
        let refusedKey = OrderKey(channel: .shopify, orderID: "Q10000")
        rig.erp.faults.update { $0.invalidOrders = [ERPEffect.externalID("so", "shopify", "Q10000")] }
        let refusedEvents = stream.filter { $0.orderKey == refusedKey }.count
        XCTAssertGreaterThan(refusedEvents, 0)

        let ledger = try XCTUnwrap(rig.rig.ledger as? any LedgerStore & CaseStore)
        let deadLetter = try DeadLetterStage(
            kafka: rig.rig.broker.consumerConfig(), topics: rig.topics, ledger: ledger,
            audit: LedgerAuditSink(writer: rig.rig.writer), resolveInterval: .milliseconds(200))
        let dispatch = try rig.stage()
        let running = [Task { await deadLetter.run() }, Task { await dispatch.run() }]
        try await rig.publish(stream)
        let opened = try await eventually { try await ledger.cases(CaseQuery(states: [.open])).count == refusedEvents }
        XCTAssertTrue(opened, "each refused event is a case")
        let cases = try await ledger.cases(CaseQuery(states: [.open]))
        XCTAssertEqual(Set(cases.map(\.orderKey)), [refusedKey.description])
        XCTAssertEqual(Set(cases.map(\.provenance.reasonCode)), ["erp-refused"])
        XCTAssertEqual(Set(cases.map(\.provenance.stage)), ["dispatch"])
        XCTAssertEqual(Set(cases.compactMap(\.provenance.originalTopic)), [rig.topics.canonical])

        // The ERP accepts the order now: replay the cases (in case order = the order's event order).
        rig.erp.faults.update { $0.invalidOrders = [] }
        let replayer = CaseReplayer(
            cases: ledger, ledger: ledger, sink: rig.producer, topics: rig.topics, actor: "ops", reason: "ERP fixed")
        let summary = await replayer.replay(cases)
        XCTAssertEqual(summary.replayed, refusedEvents, summary.line)
        let resolved = try await eventually {
            try await ledger.cases(CaseQuery(states: [.resolved])).count == refusedEvents
        }
        XCTAssertTrue(resolved, "every case resolves once its event is dispatched")
        let expected = try XCTUnwrap(CanonicalLifecycles.expected(stream)[refusedKey])
        let salesOrder = await rig.erp.store.find(
            .salesOrder, id: "eid:" + ERPEffect.externalID("so", "shopify", "Q10000"))
        XCTAssertEqual(salesOrder?.status?.id, expected.netSuiteStatus, "the order's state reached the ERP")

        // A forced second replay goes through dispatch again and writes nothing twice.
        let writesBefore = await rig.erp.store.writeLog.count
        let again = CaseReplayer(
            cases: ledger, ledger: ledger, sink: rig.producer, topics: rig.topics, actor: "ops", force: true)
        let resolvedCases = try await ledger.cases(CaseQuery(states: [.resolved]))
        let forced = await again.replay(resolvedCases)
        XCTAssertEqual(forced.replayed, refusedEvents)
        let resolvedAgain = try await eventually {
            let all = try await ledger.cases(CaseQuery(states: [.resolved]))
            return all.count == refusedEvents && all.allSatisfy { $0.history.count == 5 }
        }
        XCTAssertTrue(resolvedAgain, "open → replayed → resolved → replayed → resolved")
        let duplicates = await rig.erp.store.duplicateEffects
        XCTAssertEqual(duplicates, 0, "replays never duplicate an effect")
        let writesAfter = await rig.erp.store.writeLog.count
        XCTAssertEqual(writesAfter, writesBefore, "the forced replay found everything already in the ERP")

        dispatch.stop()
        deadLetter.stop()
        for task in running { await task.value }
        await rig.finish()
    }
}
