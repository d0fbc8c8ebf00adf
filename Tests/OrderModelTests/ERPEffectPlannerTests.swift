import OrderModel
import XCTest

/// The ERP writes a canonical change needs: deterministic ids, check-before-write, Patterns 4 and 5.
final class ERPEffectPlannerTests: XCTestCase {
    let key = OrderKey(channel: .shopify, orderID: "1001")
    let paid = OrderDimensions(payment: .captured)

    func testANewPaidOrderGetsItsSalesOrderAndItsDepositWithTheTransactionID() {
        var facts = OrderFacts()
        facts.captureTransactionIDs = ["ch_3Nx"]
        let target = ERPTarget(status: .pendingFulfillment, action: .invoiceOrDepositCreated)
        let plan = ERPEffectPlanner.plan(
            orderKey: key, version: 2, target: target, dimensions: paid, facts: facts, erp: nil)
        XCTAssertEqual(plan.effects.map(\.kind), [.salesOrderStatus, .payment])
        XCTAssertEqual(plan.effects[0].status, .pendingFulfillment)
        XCTAssertEqual(plan.effects[0].externalID, "so-shopify-1001")
        XCTAssertEqual(plan.effects[1].record, .customerDeposit)
        XCTAssertEqual(
            plan.effects[1].paymentReference, "ch_3Nx", "the capture reaches the ERP with its transaction id")
        XCTAssertEqual(plan.effects[1].externalID, "dep-shopify-1001-ch_5f3Nx")
        XCTAssertNil(plan.blocked)
        // The same change planned again (a retry, a replay, another replica): the same effects and ids.
        let again = ERPEffectPlanner.plan(
            orderKey: key, version: 2, target: target, dimensions: paid, facts: facts, erp: nil)
        XCTAssertEqual(again, plan)
    }

    func testWhatTheERPAlreadyShowsIsNotWrittenAgain() {
        var facts = OrderFacts()
        facts.captureTransactionIDs = ["ch_1"]
        facts.trackingNumbers = ["1Z1", "1Z2"]
        facts.refundIDs = ["re_1", "re_2"]
        let view = ERPView(
            salesOrderID: "7", status: .pendingFulfillment, dimensions: paid,
            records: [.customerDeposit, .itemFulfillment],
            paymentReferences: ["ch_1"], trackingNumbers: ["1Z1"], creditMemoIDs: ["re_1"])
        let fulfil = ERPTarget(status: .pendingFulfillment, action: .itemFulfillmentCreated)
        let plan = ERPEffectPlanner.plan(
            orderKey: key, version: 5, target: fulfil,
            dimensions: OrderDimensions(payment: .captured, fulfillment: .partial),
            facts: facts, erp: view)
        XCTAssertEqual(
            plan.effects.map(\.kind), [.fulfilment, .returnAuthorization, .creditMemo],
            "status and deposit are already there; NetSuite makes credit memos from a return authorization")
        XCTAssertEqual(plan.effects[0].trackingNumbers, ["1Z2"])
        XCTAssertEqual(plan.effects[0].leavesLinesOpen, true, "partly fulfilled: lines stay open")
        XCTAssertEqual(plan.effects[2].refundID, "re_2")
        XCTAssertEqual(
            plan.effects[0].id, "shopify:1001#fulfilment#1Z2",
            "a tracking number's effect id does not depend on the version")
    }

    func testPattern4ACancelledUpstreamOrderIsNeverReleasedForFulfilment() {
        var facts = OrderFacts()
        facts.trackingNumbers = ["1Z9"]
        let cancelled = OrderDimensions(payment: .captured, lifecycle: .cancelled)
        let view = ERPView(salesOrderID: "7", status: .pendingFulfillment, dimensions: paid)
        for target in [
            ERPTarget(status: .pendingFulfillment, action: .itemFulfillmentCreated),
            ERPTarget(status: .pendingFulfillment, action: .salesOrderApproved),
        ] {
            let plan = ERPEffectPlanner.plan(
                orderKey: key, version: 4, target: target, dimensions: cancelled, facts: facts, erp: view)
            XCTAssertNotNil(plan.blocked, "\(target)")
            XCTAssertTrue(plan.blocked?.contains("cancel") == true, plan.blocked ?? "")
            XCTAssertEqual(plan.effects.map(\.kind), [.salesOrderStatus])
            XCTAssertEqual(plan.effects.first?.status, .cancelled, "the cancellation is sent instead")
            XCTAssertFalse(plan.effects.contains { $0.kind == .fulfilment })
        }
    }

    func testPattern5AnERPPaymentNoCaptureExplainsIsReportedNotMatched() {
        var facts = OrderFacts()
        facts.captureTransactionIDs = ["ch_1"]
        let view = ERPView(
            salesOrderID: "7", status: .pendingFulfillment, dimensions: paid, records: [.customerDeposit],
            paymentReferences: ["ch_1", "ch_stray"])
        let plan = ERPEffectPlanner.plan(
            orderKey: key, version: 3, target: ERPTarget(status: .pendingFulfillment, action: .invoiceOrDepositCreated),
            dimensions: paid, facts: facts, erp: view)
        XCTAssertEqual(plan.unmatchedERPPayments, ["ch_stray"])
        XCTAssertTrue(plan.effects.isEmpty)
    }

    func testAReturnAuthorizationIsCreatedOnce() {
        let target = ERPTarget(status: .billed, action: .returnAuthorizationCreated)
        let returned = OrderDimensions(payment: .captured, fulfillment: .fulfilled, returns: .initiated)
        let first = ERPEffectPlanner.plan(
            orderKey: key, version: 8, target: target, dimensions: returned, facts: OrderFacts(),
            erp: ERPView(salesOrderID: "7", status: .billed, dimensions: paid))
        XCTAssertEqual(first.effects.map(\.kind), [.returnAuthorization])
        let second = ERPEffectPlanner.plan(
            orderKey: key, version: 9, target: target, dimensions: returned, facts: OrderFacts(),
            erp: ERPView(salesOrderID: "7", status: .billed, dimensions: paid, records: [.returnAuthorization]))
        XCTAssertTrue(second.effects.isEmpty)
    }

    func testExternalIDsKeepNetSuitesCharsetAndNeverCollide() {
        let inputs: [[String]] = [
            ["a-b", "c"], ["a", "b-c"], ["a_b"], ["a", "b"], ["ü|x y"], ["ch_1"], ["ch", "1"],
        ]
        let ids = inputs.map { parts in
            parts.count == 1 ? ERPEffect.externalID(parts[0]) : ERPEffect.externalID(parts[0], parts[1])
        }
        XCTAssertEqual(Set(ids).count, ids.count, "\(ids)")
        for id in ids {
            XCTAssertTrue(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }, id)
        }
    }
}

extension ERPEffectPlannerTests {
    func testAnOlderChangeNeverMovesTheStatusBack() {
        let view = ERPView(salesOrderID: "7", status: .pendingBilling, dimensions: paid, appliedVersion: 5)
        let older = ERPEffectPlanner.plan(
            orderKey: key, version: 4, target: ERPTarget(status: .pendingFulfillment, action: .salesOrderApproved),
            dimensions: paid, facts: OrderFacts(), erp: view)
        XCTAssertTrue(older.effects.isEmpty)
        let newer = ERPEffectPlanner.plan(
            orderKey: key, version: 6, target: ERPTarget(status: .closed, action: .orderClosed),
            dimensions: OrderDimensions(payment: .captured, fulfillment: .fulfilled, lifecycle: .closed),
            facts: OrderFacts(), erp: view)
        XCTAssertEqual(newer.effects.map(\.status), [.closed])
    }

    /// `@close` cannot be undone, so it is taken only once the order is done: a closed or refunded
    /// order that can still ship stays approved (pending approval while unpaid), and a shipped order
    /// cancelled, closed or fully refunded upstream is closed whatever its state maps to (NetSuite
    /// cancels only what has not shipped).
    func testTheOrderIsClosedOnlyOnceItIsDone() {
        let close = ERPTarget(status: .closed, action: .orderClosed)
        let refundedGoods = ERPTarget(status: .billed, action: .returnAuthorizationCreated)
        for (dimensions, target, status) in [
            (OrderDimensions(payment: .captured, lifecycle: .closed), close, ERPStatusCode.pendingFulfillment),
            (OrderDimensions(lifecycle: .closed), close, .pendingApproval),
            (OrderDimensions(payment: .refunded, fulfillment: .partial), close, .pendingFulfillment),
            (OrderDimensions(payment: .captured, fulfillment: .fulfilled, lifecycle: .closed), close, .closed),
            (OrderDimensions(payment: .refunded, fulfillment: .fulfilled, returns: .initiated), refundedGoods, .closed),
            (OrderDimensions(payment: .refunded, fulfillment: .fulfilled, lifecycle: .cancelled), close, .closed),
            (OrderDimensions(payment: .refunded, lifecycle: .cancelled), close, .cancelled),
            (OrderDimensions(payment: .partiallyRefunded, fulfillment: .fulfilled), refundedGoods, .billed),
        ] {
            let required = ERPEffectPlanner.required(
                for: key, dimensions: dimensions, facts: OrderFacts(), target: target)
            XCTAssertEqual(required.status, status, "\(dimensions)")
        }
    }

    /// NetSuite terms: only `orderStatus` A/B is written, D–G follow from fulfilments and billing, C
    /// and H are record actions — so an order the ERP shows fulfilled needs no status write for a
    /// billed target, and an approved one none for a fulfilled target.
    func testStatusesNetSuiteDerivesAreNotWritten() {
        for (shown, target, writes) in [
            (ERPStatusCode.pendingFulfillment, ERPStatusCode.pendingBilling, false),
            (.pendingBilling, .billed, false), (.pendingApproval, .pendingBilling, true),
            (.pendingFulfillment, .pendingApproval, true), (.pendingBilling, .pendingApproval, false),
            (.pendingBilling, .cancelled, true), (.cancelled, .closed, false), (.closed, .pendingFulfillment, false),
        ] {
            let view = ERPView(salesOrderID: "7", status: shown, dimensions: paid, appliedVersion: 1)
            let plan = ERPEffectPlanner.plan(
                orderKey: key, version: 2, target: ERPTarget(status: target, action: .salesOrderApproved),
                dimensions: paid, facts: OrderFacts(), erp: view)
            XCTAssertEqual(!plan.effects.isEmpty, writes, "\(shown) → \(target)")
        }
        XCTAssertEqual(SalesOrderWrite(for: .billed), .orderStatus(.pendingFulfillment))
        XCTAssertEqual(SalesOrderWrite(for: .cancelled), .cancel)
        XCTAssertEqual(SalesOrderWrite(for: .closed), .close)
    }
}

extension ERPEffectPlannerTests {
    /// Issue 22, finding 1: shipped, then partly refunded, the refund's webhook first. The merged order
    /// carries the tracking number although the last change's target is a credit memo: the item
    /// fulfilment is still made (the later "fulfilled" webhook is stale and never becomes a change).
    func testARefundBeforeTheFulfilledWebhookStillGetsTheItemFulfilment() {
        let facts = OrderFacts(trackingNumbers: ["1Z1"], captureTransactionIDs: ["ch_1"], refundIDs: ["re_1"])
        let merged = OrderDimensions(payment: .partiallyRefunded, fulfillment: .fulfilled)
        let view = ERPView(
            salesOrderID: "7", status: .pendingFulfillment, dimensions: paid, records: [.customerDeposit],
            paymentReferences: ["ch_1"], appliedVersion: 2)
        let plan = ERPEffectPlanner.plan(
            orderKey: key, version: 3, target: ERPTarget(status: .billed, action: .creditMemoCreated),
            dimensions: merged, facts: facts, erp: view)
        // G is not written (the order is approved; billing would make it G); the credit memo needs
        // the return authorization it is transformed from.
        XCTAssertEqual(plan.effects.map(\.kind), [.fulfilment, .returnAuthorization, .creditMemo])
        XCTAssertEqual(
            plan.effects.map(\.id),
            [
                "shopify:1001#fulfilment#1Z1", "shopify:1001#returnAuthorization#return",
                "shopify:1001#creditMemo#re_1",
            ])
        XCTAssertEqual(plan.effects[0].externalID, "ful-shopify-1001-1Z1")
        XCTAssertEqual(plan.effects[0].trackingNumbers, ["1Z1"])
    }

    /// CI, stop 35: an order first seen cancelled (refunded, never shipped) is made approved (B) under
    /// its version, then cancelled. When the cancel is planned again from a view that shows that first
    /// step under the same version (the batch went to the retry tiers after B landed), the cancel is
    /// still sent — the version's own first step does not supersede its last.
    func testACancelPlannedAgainAfterItsOwnCreateStepIsStillSent() {
        let facts = OrderFacts(captureTransactionIDs: ["ch_1"], refundIDs: ["re_1"])
        let cancelled = OrderDimensions(payment: .refunded, lifecycle: .cancelled)
        let target = ERPTarget(status: .cancelled, action: .orderClosed)
        let first = ERPEffectPlanner.plan(
            orderKey: key, version: 1, target: target, dimensions: cancelled, facts: facts, erp: nil)
        XCTAssertEqual(first.effects.first?.status, .pendingFulfillment, "made approved first")
        XCTAssertEqual(first.effects.last?.status, .cancelled, "cancelled last")
        let afterCreate = ERPView(
            salesOrderID: "7", status: .pendingFulfillment, dimensions: cancelled, appliedVersion: 1)
        let again = ERPEffectPlanner.plan(
            orderKey: key, version: 1, target: target, dimensions: cancelled, facts: facts, erp: afterCreate)
        XCTAssertEqual(again.effects.last?.status, .cancelled, "\(again.effects.map(\.id))")
        XCTAssertFalse(again.effects.contains { $0.status == .pendingFulfillment })
        // Once it shows cancelled, the same version plans nothing for the status.
        var done = afterCreate
        done.status = .cancelled
        let replay = ERPEffectPlanner.plan(
            orderKey: key, version: 1, target: target, dimensions: cancelled, facts: facts, erp: done)
        XCTAssertFalse(replay.effects.contains { $0.kind == .salesOrderStatus })
        // A later version's status still wins over an older version's cancel.
        var later = afterCreate
        later.appliedVersion = 2
        let older = ERPEffectPlanner.plan(
            orderKey: key, version: 1, target: target, dimensions: cancelled, facts: facts, erp: later)
        XCTAssertFalse(older.effects.contains { $0.kind == .salesOrderStatus })
    }
}
