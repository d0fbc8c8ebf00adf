/// Why a reconciliation run stopped.
public enum ReconcileRunError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Another replica took the lease: the run's fencing token is no longer current (its renewal or
    /// a write was refused).
    case leaseLost(String)
    /// The lease lapsed by the holder's own clock before it could renew it (a pause or a blocked
    /// ledger call longer than the lease's time to live), whether or not another replica took it yet.
    case leaseExpired(String)

    public var description: String {
        switch self {
        case .leaseLost(let name): "the reconciliation lease '\(name)' was lost"
        case .leaseExpired(let name): "the reconciliation lease '\(name)' lapsed before it was renewed"
        }
    }
}
