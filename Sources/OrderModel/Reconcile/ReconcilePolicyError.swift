/// A reconciliation policy entry that cannot be read.
public enum ReconcilePolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A key that is neither `pattern-<n>-<name>` nor `other-drift`.
    case unknownPattern(String)
    /// A value other than `auto-correct` or `flag`.
    case unknownAction(pattern: String, value: String)

    public var description: String {
        switch self {
        case .unknownPattern(let key):
            "unknown reconciliation pattern '\(key)' (expected pattern-<n>-<name> or other-drift)"
        case .unknownAction(let key, let value):
            "reconciliation policy for '\(key)': unknown action '\(value)' (expected auto-correct or flag)"
        }
    }
}
