/// Decides the ERP writes an order needs now: what its merged state requires
/// (``ERPEffectPlanner/required(for:version:dimensions:facts:target:)``) minus what the ERP already
/// shows (check-before-write), sales order first. Pure.
///
/// Effects are a function of the **merged** order, not of the last transition: a change whose
/// mapping target is a credit memo still gets the item fulfilment its merged facts carry (an order
/// shipped, then partly refunded, whose refund arrived first). The sales order takes the required
/// status unless the ERP already shows a status written for this or a later version (a replayed or
/// late change never moves it back); related records the ERP lacks are made once each (their ids do
/// not depend on the version). A cancel or close (record actions in NetSuite) comes after the related
/// records; an order not in the ERP yet is first made approved. **Pattern 4**: a cancelled order gets status C and never a fulfilment;
/// a target that would have released it is reported. ERP payments no channel capture explains are
/// reported, never matched.
public enum ERPEffectPlanner {
    /// What a canonical change needs.
    public struct Plan: Hashable, Sendable {
        /// The writes, in the order they must reach the ERP.
        public var effects: [ERPEffect] = []
        /// Why a fulfilment release was withheld (Pattern 4), if it was.
        public var blocked: String?
        /// ERP payment references with no matching channel capture (Pattern 5), sorted.
        public var unmatchedERPPayments: [String] = []
        /// Why the order needs a person (a channel edit after fulfilment: the ERP cannot un-ship), if it does.
        public var review: String?

        /// An empty plan.
        public init() {}
    }

    /// The plan for `orderKey` at `version`, whose merged state is `dimensions` and `facts` and whose
    /// mapping target for that merged canonical state is `target`, given the ERP's `view` (nil: the
    /// ERP has no sales order yet).
    public static func plan(
        orderKey: OrderKey, version: Int64, target: ERPTarget?, dimensions: OrderDimensions, facts: OrderFacts,
        erp view: ERPView?
    ) -> Plan {
        let required = required(
            for: orderKey, version: version, dimensions: dimensions, facts: facts, target: target)
        var plan = Plan()
        plan.blocked = required.blocked
        // A status written for a later version wins; one written for this version too — unless what this
        // version needs is a record action (cancel, close): a new order cancelled on first sight is made
        // approved under the same version first, and the action must still follow when it is planned
        // again from a view that already shows that first step (a retry, another replica, a replay).
        let action = required.status.map { SalesOrderWrite(for: $0) }
        let isAction = action == .cancel || action == .close
        let superseded = view?.appliedVersion.map { version < $0 || (version == $0 && !isAction) } ?? false
        let known = Set(view?.paymentReferences ?? [])
        let shipped = Set(view?.trackingNumbers ?? [])
        let credited = Set(view?.creditMemoIDs ?? [])
        for effect in required.effects {
            let missing: Bool
            switch effect.kind {
            case .salesOrderStatus:
                // Without a view the sales order is made; with one its status is set when it differs
                // and no later version's status is already there.
                // NetSuite terms: the status is made by `orderStatus` A/B or a record action, and
                // D–G follow from fulfilments and billing (``SalesOrderWrite``).
                if let view {
                    missing =
                        !superseded
                        && required.status.map { !SalesOrderWrite(for: $0).isSatisfied(by: view.status) } == true
                } else {
                    missing = true
                }
            case .payment: missing = !known.contains(effect.paymentReference ?? "")
            case .fulfilment: missing = !effect.trackingNumbers.allSatisfy(shipped.contains)
            case .returnAuthorization: missing = view?.records.contains(.returnAuthorization) != true
            case .creditMemo: missing = !credited.contains(effect.refundID ?? "")
            case .salesOrderLines: missing = false
            }
            if missing { plan.effects.append(effect) }
            if effect.kind == .salesOrderStatus, let view {
                switch editDecision(orderKey: orderKey, version: version, facts: facts, view: view) {
                case .none: break
                case .edit(let edit): plan.effects.append(edit)
                case .review(let why): plan.review = why
                }
            }
        }
        // Cancelling and closing are record actions after which NetSuite ships and bills nothing
        // more: they come last, after the order's related records (a new order is made approved first).
        if let index = plan.effects.firstIndex(where: { $0.kind == .salesOrderStatus }),
            case let action = plan.effects[index], action.status == .cancelled || action.status == .closed,
            plan.effects.count > 1 || view == nil
        {
            plan.effects.remove(at: index)
            if view == nil {
                var create = action
                create.status = .pendingFulfillment
                create.id = "\(orderKey)#salesOrderStatus#v\(version)-\(ERPStatusCode.pendingFulfillment.rawValue)"
                plan.effects.insert(create, at: 0)
            }
            plan.effects.append(action)
        }
        let captures = Set(facts.captureTransactionIDs)
        plan.unmatchedERPPayments = (view?.paymentReferences ?? []).filter { !captures.contains($0) }.sorted()
        return plan
    }
}
