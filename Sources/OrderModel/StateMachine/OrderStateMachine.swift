/// Decides what an observation does to an order's state.
///
/// The state is the **join** of every applied observation: each dimension takes the value furthest
/// along (see `OrderDimension.rank`), facts are unions, the position is the greatest
/// (source timestamp, version, event id). A join is commutative, associative and idempotent, so any
/// permutation or duplication of an order's events ends in the same state as the in-order sequence.
///
/// Rules, in order:
/// 1. No current state → apply.
/// 2. Another order's observation → illegal.
/// 3. Event id already applied → duplicate.
/// 4. An observation strictly later by source timestamp (then version) that is no longer cancelled while
///    the state is → illegal (a cancellation is never undone silently; the channels never un-cancel, so
///    this means bad data or a manual edit). Equal timestamps just join.
/// 5. Newer → apply the join (a newer observation that is behind in some dimension cannot pull it back:
///    no regression; when it adds nothing it still advances the position).
/// 6. Older or equal position: apply the join when it adds something (e.g. a late capture id), else
///    stale (a late "paid" after "shipped").
public struct OrderStateMachine: Sendable {
    public init() {}

    /// The decision for `observation` given the order's `current` state.
    public func decide(current: OrderState?, observation: ChannelObservation) -> Transition {
        guard let current else { return .apply(OrderState(first: observation), from: nil) }
        guard current.key == observation.key else {
            return .illegal(reason: "observation for \(observation.key) applied to state of \(current.key)")
        }
        if current.hasApplied(observation.eventID) { return .duplicate }

        let newer = observation.position > current.position
        // Strictly later by the channel's own clock (the event-id tie-break does not count: two changes in
        // the same second, e.g. an update and the cancellation, just join).
        let strictlyLater =
            observation.sourceTimestamp > current.sourceTimestamp
            || (observation.sourceTimestamp == current.sourceTimestamp
                && (observation.version ?? .min) > (current.version ?? .min))
        if strictlyLater && current.dimensions.lifecycle == .cancelled && observation.dimensions.lifecycle != .cancelled
        {
            return .illegal(
                reason:
                    "undoing a cancellation: the event at \(observation.position) says lifecycle="
                    + "\(observation.dimensions.lifecycle.rawValue), order was cancelled")
        }
        let dimensions = current.dimensions.joined(with: observation.dimensions)
        let facts = current.facts.merged(with: observation.facts)
        let addsSomething = dimensions != current.dimensions || facts != current.facts
        if !newer && !addsSomething {
            let regressions = observation.dimensions.regressions(from: current.dimensions)
            let detail =
                regressions.isEmpty ? "no new information" : "would regress " + regressions.joined(separator: ", ")
            return .stale(reason: "the event at \(observation.position) is not after \(current.position); \(detail)")
        }
        let next = OrderState(
            key: current.key, dimensions: dimensions, facts: facts,
            position: max(current.position, observation.position),
            appliedEventIDs: current.appliedEventIDs + [observation.eventID])
        return .apply(next, from: current)
    }

    /// Folds a sequence of observations from `initial`, returning the final state and every decision.
    public func run(
        _ observations: some Sequence<ChannelObservation>, from initial: OrderState? = nil
    ) -> (state: OrderState?, decisions: [Transition]) {
        var state = initial
        var decisions: [Transition] = []
        for observation in observations {
            let decision = decide(current: state, observation: observation)
            if let next = decision.newState { state = next }
            decisions.append(decision)
        }
        return (state, decisions)
    }
}
