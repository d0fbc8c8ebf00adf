/// Decides the ERP writes a canonical change needs, from the mapping's ERP target, the order's
/// latest channel state and what the ERP already shows (check-before-write). Pure.
///
/// Rules, in order: the sales order (upserted by its external id) takes the target's status unless
/// the ERP already shows a status written for this or a later version (a replayed or late change
/// never moves it back); every
/// capture the ERP lacks becomes a customer deposit carrying the capture's transaction id (Pattern
/// 5); a fulfilment target creates one item fulfilment per tracking number the ERP lacks; a return
/// target creates the return authorization once; every refund the ERP lacks becomes a credit memo.
/// **Pattern 4**: a target that would release fulfilment for an order cancelled upstream is replaced
/// by the cancellation (status C) and no fulfilment is created; the reason is reported. ERP payments
/// no channel capture explains are reported, never matched.
public enum ERPEffectPlanner {
    /// What a canonical change needs.
    public struct Plan: Hashable, Sendable {
        /// The writes, in the order they must reach the ERP.
        public var effects: [ERPEffect] = []
        /// Why a fulfilment release was withheld (Pattern 4), if it was.
        public var blocked: String?
        /// ERP payment references with no matching channel capture (Pattern 5), sorted.
        public var unmatchedERPPayments: [String] = []
    }

    /// The plan for `orderKey` at `version` whose ERP target is `target` (nil: nothing to change in
    /// the ERP's status), given the channel's latest `dimensions` and `facts` and the ERP's `view`
    /// (nil: the ERP has no sales order yet).
    public static func plan(
        orderKey: OrderKey, version: Int64, target: ERPTarget?, dimensions: OrderDimensions, facts: OrderFacts,
        erp view: ERPView?
    ) -> Plan {
        var plan = Plan()
        let salesOrderID = ERPEffect.externalID("so", orderKey.channel.rawValue, orderKey.orderID)
        func effect(_ kind: ERPEffect.Kind, _ subject: String, record: ERPRecordType, externalID: String) -> ERPEffect {
            ERPEffect(
                kind: kind, orderKey: orderKey, version: version, id: "\(orderKey)#\(kind.rawValue)#\(subject)",
                record: record, externalID: externalID, trackingNumbers: [])
        }

        var status = target?.status
        var releasesFulfilment = false
        if let target {
            if case .block(let reason) = FulfilmentGuard.check(target: target, channel: dimensions) {
                plan.blocked = reason
                status = .cancelled
            } else {
                releasesFulfilment = target.action == .itemFulfillmentCreated
            }
        } else if view == nil, !dimensions.allowsFulfilmentRelease {
            status = .cancelled
        }
        let superseded = view?.appliedVersion.map { version <= $0 } ?? false
        if superseded {
            // A replayed or late change: the status belongs to a later version already.
        } else if let status, view?.status != status {
            var write = effect(
                .salesOrderStatus, "v\(version)-\(status.rawValue)", record: .salesOrder, externalID: salesOrderID)
            write.status = status
            plan.effects.append(write)
        } else if view == nil {
            var write = effect(
                .salesOrderStatus, "v\(version)-\(ERPStatusCode.pendingApproval.rawValue)", record: .salesOrder,
                externalID: salesOrderID)
            write.status = .pendingApproval
            plan.effects.append(write)
        }

        let known = Set(view?.paymentReferences ?? [])
        for capture in facts.captureTransactionIDs where !known.contains(capture) {
            var write = effect(
                .payment, capture, record: .customerDeposit,
                externalID: ERPEffect.externalID("dep", orderKey.channel.rawValue, orderKey.orderID, capture))
            write.paymentReference = capture
            plan.effects.append(write)
        }
        if releasesFulfilment, plan.blocked == nil {
            let shipped = Set(view?.trackingNumbers ?? [])
            for tracking in facts.trackingNumbers where !shipped.contains(tracking) {
                var write = effect(
                    .fulfilment, tracking, record: .itemFulfillment,
                    externalID: ERPEffect.externalID("ful", orderKey.channel.rawValue, orderKey.orderID, tracking))
                write.trackingNumbers = [tracking]
                plan.effects.append(write)
            }
        }
        if target?.action == .returnAuthorizationCreated, view?.records.contains(.returnAuthorization) != true {
            plan.effects.append(
                effect(
                    .returnAuthorization, "return", record: .returnAuthorization,
                    externalID: ERPEffect.externalID("ra", orderKey.channel.rawValue, orderKey.orderID)))
        }
        let credited = Set(view?.creditMemoIDs ?? [])
        for refund in facts.refundIDs where !credited.contains(refund) {
            var write = effect(
                .creditMemo, refund, record: .creditMemo,
                externalID: ERPEffect.externalID("cm", orderKey.channel.rawValue, orderKey.orderID, refund))
            write.refundID = refund
            plan.effects.append(write)
        }
        let captures = Set(facts.captureTransactionIDs)
        plan.unmatchedERPPayments = (view?.paymentReferences ?? []).filter { !captures.contains($0) }.sorted()
        return plan
    }
}
