/// What an order needs in the ERP, computed from its **merged** state alone (issue 22): the same
/// merged order gives the same requirement whatever order its events arrived in. Pure.
public struct ERPEffectRequirement: Hashable, Sendable {
    /// The sales order's status (nil: the mapping has no opinion; the order only has to exist).
    public var status: ERPStatusCode?
    /// Why a fulfilment release was withheld (Pattern 4), if it was.
    public var blocked: String?
    /// Every effect the order needs, sales order first, then deposits, fulfilments, the return
    /// authorization and credit memos (the order they can be made in).
    public var effects: [ERPEffect]

    /// The effects without the sales order (related records: one per subject, made at most once).
    public var relatedEffects: [ERPEffect] { effects.filter { $0.kind != .salesOrderStatus } }
}

extension ERPEffectPlanner {
    /// The effects the order `orderKey` needs, given its merged `dimensions` and `facts` and the
    /// mapping's `target` for its merged canonical state (nil: none). `version` (the order state's
    /// ledger version) only names the sales order's status write; every related record's id is
    /// version-free, so the same subject never becomes two effects.
    ///
    /// Rules: the sales order with the target's status, or **C** for an order cancelled (or fully
    /// restocked) upstream (Pattern 4; the release is reported as `blocked` when the target would
    /// have released fulfilment); a customer deposit per capture transaction id (Pattern 5); an item
    /// fulfilment per tracking number unless the order is cancelled or restocked (leaving lines open
    /// while the order is partly fulfilled); the return authorization once returns are at least
    /// initiated or a refund exists (NetSuite makes credit memos from it); a credit memo per refund id.
    public static func required(
        for orderKey: OrderKey, version: Int64 = 0, dimensions: OrderDimensions, facts: OrderFacts,
        target: ERPTarget?
    ) -> ERPEffectRequirement {
        let cancelled = !dimensions.allowsFulfilmentRelease
        var blocked: String?
        if let target, case .block(let reason) = FulfilmentGuard.check(target: target, channel: dimensions) {
            blocked = reason
        }
        var status: ERPStatusCode? = cancelled ? .cancelled : target?.status
        // NetSuite ships nothing from a closed order, and `@close` cannot be undone: while the channel
        // can still ship lines (unfulfilled or partly fulfilled, not cancelled — a closed or refunded
        // Shopify order can still be fulfilled) the order stays approved (or pending approval while
        // unpaid), so that any arrival order of the same events ends in the same ERP state.
        if status == .closed, dimensions.fulfillment == .unfulfilled || dimensions.fulfillment == .partial {
            let approved = dimensions.payment == .authorized || dimensions.payment.isCapturedOrLater
            status = approved ? .pendingFulfillment : .pendingApproval
        }
        // And the other way round: a later state may map to a status without the close (a return
        // started on a refunded order, a cancellation after the close), so an order that is done —
        // shipped in full, and closed, cancelled or fully refunded upstream — is closed whatever its
        // state maps to (NetSuite cancels only what has not shipped; a shipped order is closed).
        if dimensions.fulfillment == .fulfilled, dimensions.lifecycle != .open || dimensions.payment == .refunded {
            status = .closed
        }
        let channel = orderKey.channel.rawValue
        let id = orderKey.orderID
        func effect(_ kind: ERPEffect.Kind, _ subject: String, _ record: ERPRecordType, _ externalID: String)
            -> ERPEffect
        {
            ERPEffect(
                kind: kind, orderKey: orderKey, version: version, id: "\(orderKey)#\(kind.rawValue)#\(subject)",
                record: record, externalID: externalID, trackingNumbers: [])
        }
        let written = status ?? .pendingApproval
        var salesOrder = effect(
            .salesOrderStatus, "v\(version)-\(written.rawValue)", .salesOrder, ERPEffect.externalID("so", channel, id))
        salesOrder.status = written
        var effects = [salesOrder]
        for capture in facts.captureTransactionIDs {
            var deposit = effect(
                .payment, capture, .customerDeposit, ERPEffect.externalID("dep", channel, id, capture))
            deposit.paymentReference = capture
            effects.append(deposit)
        }
        if !cancelled {
            for tracking in facts.trackingNumbers {
                var fulfilment = effect(
                    .fulfilment, tracking, .itemFulfillment, ERPEffect.externalID("ful", channel, id, tracking))
                fulfilment.trackingNumbers = [tracking]
                if dimensions.fulfillment == .partial { fulfilment.leavesLinesOpen = true }
                effects.append(fulfilment)
            }
        }
        // NetSuite makes a credit memo by transforming a return authorization: a refund needs one too.
        if dimensions.returns >= .initiated || !facts.refundIDs.isEmpty {
            effects.append(
                effect(.returnAuthorization, "return", .returnAuthorization, ERPEffect.externalID("ra", channel, id)))
        }
        for refund in facts.refundIDs {
            var memo = effect(.creditMemo, refund, .creditMemo, ERPEffect.externalID("cm", channel, id, refund))
            memo.refundID = refund
            effects.append(memo)
        }
        for index in effects.indices { effects[index].content = facts.content }
        return ERPEffectRequirement(status: status, blocked: blocked, effects: effects)
    }
}
