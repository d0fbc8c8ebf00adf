/// The state machine's decision for one observation.
public enum Transition: Hashable, Sendable, CustomStringConvertible {
    /// Save `newState` (and emit a canonical event when `changesState`). `from` is nil for a new order.
    case apply(OrderState, from: OrderState?)
    /// The event id was already applied: do nothing.
    case duplicate
    /// Older than the current state and adds nothing: record it, change nothing.
    case stale(reason: String)
    /// Contradicts the current state in a way that must not happen silently (e.g. undoing a
    /// cancellation): flag/quarantine, change nothing.
    case illegal(reason: String)

    /// The state to save, when there is one.
    public var newState: OrderState? {
        if case .apply(let state, _) = self { return state }
        return nil
    }

    /// True when the decision changes the order's dimensions or facts (not only its position):
    /// a canonical event is worth emitting.
    public var changesState: Bool {
        guard case .apply(let new, let old) = self else { return false }
        guard let old else { return true }
        return new.dimensions != old.dimensions || new.facts != old.facts
    }

    /// True when the canonical state changes.
    public var changesCanonicalState: Bool {
        guard case .apply(let new, let old) = self else { return false }
        return new.canonicalState != old?.canonicalState
    }

    /// `apply`, `duplicate`, `stale` or `illegal` (the audit hop name).
    public var name: String {
        switch self {
        case .apply: "apply"
        case .duplicate: "duplicate"
        case .stale: "stale"
        case .illegal: "illegal"
        }
    }

    public var description: String {
        switch self {
        case .apply(let new, let old):
            "apply \(old?.canonicalState.rawValue ?? "∅") → \(new.canonicalState.rawValue)"
        case .duplicate: "duplicate"
        case .stale(let reason): "stale: \(reason)"
        case .illegal(let reason): "illegal: \(reason)"
        }
    }
}
