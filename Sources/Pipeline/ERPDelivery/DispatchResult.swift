import OrderModel

/// One ERP write that landed: the effect, the HTTP status that confirmed it, and how many
/// attempts it took.
public struct AppliedEffect: Sendable, Hashable {
    public var effect: ERPEffect
    public var status: Int
    public var attempts: Int
}

/// How dispatching one canonical event ended: what the retry stage routes.
public enum DispatchResult: Sendable, Hashable {
    /// Every write the event needed is in the ERP (possibly none: check-before-write found them).
    /// `blocked`: why a fulfilment release was withheld (Pattern 4); `unmatchedPayments`: ERP
    /// payment references no channel capture explains (Pattern 5); `review`: why the order needs a
    /// person (a channel edit after fulfilment, issue 24).
    case done(applied: [AppliedEffect], blocked: String?, unmatchedPayments: [String], review: String? = nil)
    /// The ERP refuses a write as it is (400/422, or conflicts that re-reading did not resolve):
    /// a dead letter.
    case permanent(effect: String?, status: Int, code: String?, detail: String, applied: [AppliedEffect])
    /// Transient failures beyond the in-place attempts: for the retry tiers. `retryAfter`: the last answer's `Retry-After`.
    case exhausted(
        effect: String?, attempts: Int, lastStatus: Int?, retryAfter: Duration?, detail: String,
        applied: [AppliedEffect])
    /// Not finished here: the stage is stopping, or the event's partition moved to another replica
    /// (which dispatches it). Nothing about it is acknowledged.
    case abandoned(applied: [AppliedEffect])
    /// Not dispatched: an earlier event of its order failed transiently and went to the retry
    /// tiers, so this one is parked behind it (per-order order).
    case deferred

    /// The writes that landed before it ended.
    public var applied: [AppliedEffect] {
        switch self {
        case .done(let applied, _, _, _), .permanent(_, _, _, _, let applied), .exhausted(_, _, _, _, _, let applied),
            .abandoned(let applied):
            applied
        case .deferred:
            []
        }
    }
}
