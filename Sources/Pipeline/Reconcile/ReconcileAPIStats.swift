import Synchronization

/// API calls and rate-limit waits of one reconciliation run, per system (`storefront`, `marketplace`,
/// `erp`). Shared by the readers; read for the report.
public final class ReconcileAPIStats: Sendable {
    private let state = Mutex<(calls: [String: Int], waits: [String: Int], waited: Duration)>(([:], [:], .zero))

    /// Creates empty counters.
    public init() {}

    /// Counts one API call to `system`.
    public func call(_ system: String) {
        state.withLock { $0.calls[system, default: 0] += 1 }
    }

    /// Counts one rate-limit wait of `duration` on `system`.
    public func waited(_ system: String, _ duration: Duration) {
        state.withLock {
            $0.waits[system, default: 0] += 1
            $0.waited += duration
        }
    }

    /// Calls per system.
    public var calls: [String: Int] { state.withLock { $0.calls } }
    /// Rate-limit waits per system.
    public var waits: [String: Int] { state.withLock { $0.waits } }
    /// Total time spent waiting out rate limits.
    public var waitedTotal: Duration { state.withLock { $0.waited } }
}
