import Foundation
import Ledger
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Reconciliation repairs drift on the ERP side through dispatch (a repair record carrying the order's
/// merged state on `<p>.canonical`), judged by the ERP simulator's own records through the
/// independent oracle — not by reconciliation's own verdict.
final class ReconcileRepairTests: XCTestCase {
    /// A shipped order, a paid one and a partly shipped one, all in the ERP as the oracle expects.
    private func rigWithOrders() async throws -> (ReconcileRepairRig, shipped: Int64) {
        let rig = try await ReconcileRepairRig.start()
        let shipped = try await rig.order([.pay, .fulfill])
        _ = try await rig.order([.pay])
        _ = try await rig.order([.pay, .fulfillPartially])
        let (report, settled) = try await rig.settle()
        XCTAssertTrue(settled, "the pipeline put the orders in the ERP\n" + report.details())
        XCTAssertEqual(report.expectedEffects, 3 + 2 + 3)
        return (rig, shipped)
    }

    func testDeletedRecordsAreRecreatedOnceAndTheNextRunConfirmsTheRepair() async throws {
        let (rig, _) = try await rigWithOrders()
        try await rig.restartERPEmpty()
        let emptied = try await rig.check()
        XCTAssertEqual(emptied.lost, 8, emptied.details())

        let first = try await rig.job().run()
        XCTAssertEqual(first.result, "drift-found", first.text)
        XCTAssertEqual(first.found, 3, first.text)
        XCTAssertEqual(first.classifications[ReconcilePolicy.name(of: .checkoutDisconnect)]?.corrected, 3, first.text)
        let sent = try await rig.findings(first.runID)
        XCTAssertEqual(Set(sent.values.map(\.outcome)), ["correction-sent"])
        let (repaired, settled) = try await rig.settle()
        XCTAssertTrue(settled, "the repair recreated every record\n" + repaired.details())
        XCTAssertEqual(repaired.presentOnce, 8, repaired.details())
        let duplicates = await rig.erp.store.duplicateEffects
        XCTAssertEqual(duplicates, 0)

        let second = try await rig.job().run()
        XCTAssertEqual(second.result, "ok", second.text)
        XCTAssertEqual(second.found, 0, second.text)
        XCTAssertEqual(second.repairsConfirmed, 3, second.text)
        let confirmed = try await rig.findings(first.runID)
        XCTAssertEqual(Set(confirmed.values.map(\.outcome)), ["corrected"])
        let writes = await rig.erp.store.appliedWrites
        let third = try await rig.job().run()
        XCTAssertEqual(third.found, 0, third.text)
        XCTAssertEqual(third.repairsConfirmed, 0, third.text)
        let after = try await rig.check()
        XCTAssertTrue(after.passed, after.details())
        let writesAfter = await rig.erp.store.appliedWrites
        XCTAssertEqual(writesAfter, writes, "a run that finds nothing writes nothing")
        try await rig.stop()
    }

    func testADiscardedDeadLetterIsMadeByReconciliation() async throws {
        let rig = try await ReconcileRepairRig.start()
        let (id, created) = await rig.store.createOrder(paid: false)
        _ = created  // its webhook lost: one canonical event, one dead letter
        rig.erp.faults.update { $0.invalidOrders = ["so-shopify-\(id)"] }
        try await rig.send(try await rig.store.apply(.pay, to: id))
        let ledger = rig.ledger
        let query = CaseQuery(orderKey: "shopify:\(id)", states: [.open])
        let deadLettered = try await eventually(timeout: .seconds(60)) {
            try await ledger.cases(query).isEmpty == false
        }
        XCTAssertTrue(deadLettered, "the refused write became a case")
        for open in try await ledger.cases(query) {
            let outcome = try await ledger.transitionCase(
                id: open.id, to: .discarded, actor: "operator", reason: "test", at: Date(), allowedFrom: [.open])
            guard case .changed = outcome else { return XCTFail("discarding case \(open.id): \(outcome)") }
        }
        rig.erp.faults.update { $0.invalidOrders = [] }
        let before = try await rig.check()
        XCTAssertEqual(before.lostList, ["shopify:\(id): salesOrder"], before.details())

        let run = try await rig.job().run()
        XCTAssertEqual(run.found, 1, run.text)
        let (repaired, settled) = try await rig.settle()
        XCTAssertTrue(settled, "reconciliation made the discarded effect\n" + repaired.details())
        try await rig.stop()
    }

    func testTwoRunsAtOnceRepairOnce() async throws {
        let (rig, _) = try await rigWithOrders()
        try await rig.restartERPEmpty()
        // Slow ERP answers keep the first run going while the second asks for the lease.
        rig.erp.faults.update { $0.latency = .milliseconds(300) }
        let a = try rig.job(owner: "replica-a")
        let b = try rig.job(owner: "replica-b", sameTime: true)
        async let first = a.run()
        async let second = b.run()
        let results = await [first, second]
        XCTAssertEqual(
            results.map(\.result).sorted(), ["drift-found", "skipped"], results.map(\.text).joined(separator: "\n"))
        XCTAssertEqual(results.map(\.found).reduce(0, +), 3)
        rig.erp.faults.update { $0.latency = .zero }
        let (repaired, settled) = try await rig.settle()
        XCTAssertTrue(settled, repaired.details())
        XCTAssertEqual(repaired.duplicated, 0, repaired.details())
        let duplicates = await rig.erp.store.duplicateEffects
        XCTAssertEqual(duplicates, 0)
        try await rig.stop()
    }

    /// A correction that does not repair (the ERP keeps refusing the order): the next run flags it as a
    /// case instead of correcting it again, and the first run's finding says the correction failed.
    func testADriftThatSurvivesItsCorrectionBecomesACase() async throws {
        let (rig, shipped) = try await rigWithOrders()
        try await rig.restartERPEmpty()
        rig.erp.faults.update { $0.invalidOrders = ["so-shopify-\(shipped)"] }
        let first = try await rig.job().run()
        XCTAssertEqual(first.found, 3, first.text)
        let (partly, _) = try await rig.settle()
        XCTAssertEqual(Set(partly.wrongOrders.map(\.orderKey)), ["shopify:\(shipped)"], partly.details())

        let second = try await rig.job().run()
        XCTAssertEqual(second.found, 1, second.text)
        XCTAssertEqual(second.repairsConfirmed, 2, second.text)
        XCTAssertEqual(second.repairsFailed, 1, second.text)
        XCTAssertEqual(second.classifications.values.map(\.corrected).reduce(0, +), 0, second.text)
        XCTAssertEqual(second.classifications.values.map(\.flagged).reduce(0, +), 1, second.text)
        let earlier = try await rig.findings(first.runID)
        XCTAssertEqual(earlier["shopify:\(shipped)"]?.outcome, "correction-failed")
        let now = try await rig.findings(second.runID)
        XCTAssertEqual(now["shopify:\(shipped)"]?.outcome, "flagged")
        let cases = try await rig.ledger.cases(
            CaseQuery(orderKey: "shopify:\(shipped)", stage: "reconcile", states: [.open]))
        XCTAssertEqual(cases.count, 1)
        try await rig.stop()
    }

    /// Issue 25 item 4: a flagged drift whose case was resolved, found again, is an open case again.
    func testARecurringFlaggedDriftReopensItsResolvedCase() async throws {
        let rig = try await ReconcileRepairRig.start()
        let id = try await rig.order([.pay])
        let (report, settled) = try await rig.settle()
        XCTAssertTrue(settled, report.details())
        // Cancelled in the storefront, the webhook lost: a silent cancellation, flagged by policy.
        _ = try await rig.store.apply(.cancel(reason: "customer"), to: id)
        let first = try await rig.job().run()
        XCTAssertEqual(first.classifications[ReconcilePolicy.name(of: .silentCancellation)]?.flagged, 1, first.text)
        let open = CaseQuery(orderKey: "shopify:\(id)", stage: "reconcile", states: [.open])
        let cases = try await rig.ledger.cases(open)
        XCTAssertEqual(cases.count, 1)
        let caseID = try XCTUnwrap(cases.first?.id)
        let resolving = try await rig.ledger.transitionCase(
            id: caseID, to: .resolved, actor: "operator", reason: "handled by hand", at: Date(), allowedFrom: [.open])
        guard case .changed = resolving else { return XCTFail("resolving: \(resolving)") }
        let resolved = try await rig.ledger.cases(open)
        XCTAssertEqual(resolved.count, 0)

        let second = try await rig.job().run()
        XCTAssertEqual(second.classifications[ReconcilePolicy.name(of: .silentCancellation)]?.flagged, 1, second.text)
        let again = try await rig.ledger.cases(open)
        XCTAssertEqual(again.map(\.id), [caseID], "the recurring drift reopened its case")
        XCTAssertEqual(again.first?.history.last?.to, .open)
        // Found again while open: nothing new.
        let third = try await rig.job().run()
        XCTAssertEqual(third.found, 1, third.text)
        let still = try await rig.ledger.cases(CaseQuery(orderKey: "shopify:\(id)", stage: "reconcile"))
        XCTAssertEqual(still.map(\.id), [caseID])
        XCTAssertEqual(still.first?.occurrences, 2)
        try await rig.stop()
    }
}
