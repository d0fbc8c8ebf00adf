import Foundation
import Ledger
import Synchronization

/// The lease one reconciliation attempt holds: its fencing token and until when the lease is valid by
/// the holder's own clock — the time the last acquisition or renewal was *asked* plus the lease's time
/// to live (never later than the ledger's expiry, however long the call took). The attempt acts only
/// while both hold: the token is current in the ledger and its own validity has not run out.
///
/// The attempt's task tree carries it (``current``): every write the run makes goes through
/// ``ReconcileJob/fenced(_:_:)``.
final class ReconcileLeaseHold: Sendable {
    /// The attempt's hold, for the writes made below `withValue`.
    @TaskLocal static var current: ReconcileLeaseHold?

    let fence: ReconcileFence
    let ttl: Duration
    private let state: Mutex<State>

    private struct State {
        var validUntil: Date
        var actedUntil: Date?
        var lost: ReconcileRunError?
    }

    /// A hold acquired by a call asked at `askedAt`.
    init(fence: ReconcileFence, ttl: Duration, askedAt: Date) {
        self.fence = fence
        self.ttl = ttl
        state = Mutex(State(validUntil: askedAt.addingTimeInterval(DurationSeconds.of(ttl))))
    }

    /// Until when the lease is valid by the holder's clock.
    var validUntil: Date { state.withLock { $0.validUntil } }

    /// The time of the last write made under the lease that the checks let through (nil: none).
    var actedUntil: Date? { state.withLock { $0.actedUntil } }

    /// Why the lease was lost, once it was.
    var lost: ReconcileRunError? { state.withLock { $0.lost } }

    /// Throws (and remembers) `leaseExpired` when the lease is no longer valid at `now`, or the
    /// earlier loss.
    func check(at now: Date) throws {
        try state.withLock { state in
            if let lost = state.lost { throw lost }
            guard now < state.validUntil else {
                state.lost = .leaseExpired(fence.name)
                throw ReconcileRunError.leaseExpired(fence.name)
            }
        }
    }

    /// A renewal asked at `askedAt` succeeded.
    func renewed(askedAt: Date) {
        state.withLock { $0.validUntil = max($0.validUntil, askedAt.addingTimeInterval(DurationSeconds.of(ttl))) }
    }

    /// A write at `now` was let through.
    func acted(at now: Date) {
        state.withLock { $0.actedUntil = max($0.actedUntil ?? now, now) }
    }

    /// The ledger refused the token: another holder took the lease.
    @discardableResult
    func taken() -> ReconcileRunError {
        state.withLock { state in
            let error = state.lost ?? .leaseLost(fence.name)
            state.lost = error
            return error
        }
    }
}
