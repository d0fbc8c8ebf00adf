/// Why a reconciliation run stopped.
public enum ReconcileRunError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Another replica took the lease (this one could not renew it in time).
    case leaseLost(String)

    public var description: String {
        switch self {
        case .leaseLost(let name): "the reconciliation lease '\(name)' was lost"
        }
    }
}
