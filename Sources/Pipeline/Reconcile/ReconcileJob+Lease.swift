import Foundation
import Ledger
import Logging
import OrderModel

/// The lease's fencing: every write a run makes goes through ``fenced(_:_:)``, so a run whose lease
/// was taken over (its token no longer current) or lapsed (by its own clock) writes nothing more.
extension ReconcileJob {
    /// Runs `write` with the attempt's fencing token (nil outside an attempt holding the lease: a dry
    /// run), after checking the lease is still valid by the holder's clock. A token the ledger
    /// refuses (``ReconcileLeaseFenced``) ends the run as `leaseLost`.
    func fenced<T: Sendable>(_ write: (ReconcileFence?) async throws -> T) async throws -> T {
        guard let hold = ReconcileLeaseHold.current else { return try await write(nil) }
        // The write starts while the lease is valid by the holder's clock; the ledger refuses it
        // (same transaction) if another holder acquired the lease meanwhile. So `acted` is the start.
        let at = clock()
        try hold.check(at: at)
        let result: T
        do {
            result = try await write(hold.fence)
        } catch is ReconcileLeaseFenced {
            throw hold.taken()
        }
        hold.acted(at: at)
        return result
    }

    /// Before an effect outside the ledger (records produced, a case opened): the token is current in
    /// the ledger and the lease still valid by the holder's clock once the check returned.
    func ensureLease() async throws {
        try await fenced { fence in
            guard let fence else { return }
            guard try await ledger.isReconcileFenceCurrent(fence) else { throw ReconcileLeaseFenced(fence: fence) }
            // The effect starts now: still within the lease by the holder's clock.
            let now = clock()
            try ReconcileLeaseHold.current?.check(at: now)
            ReconcileLeaseHold.current?.acted(at: now)
        }
    }

    /// Records the run's state on the lease (refused once the token is stale).
    func saveRun(_ state: ReconcileRunState) async throws {
        try await fenced { fence in
            guard let fence else { return }
            guard try await ledger.saveReconcileRun(fence, run: state) else { throw ReconcileLeaseFenced(fence: fence) }
        }
    }

    /// Gives the lease back (a stale token changes nothing).
    func releaseLease() async throws {
        guard let hold = ReconcileLeaseHold.current else { return }
        try await ledger.releaseReconcileLease(hold.fence)
    }

    /// Renews the lease every third of its time to live; throws when it was lost (ends the run): the
    /// ledger refused the token, or the renewal comes too late — the lease lapsed by the holder's
    /// clock before it was asked for, or the call returned after the new validity ran out.
    func keepLease() async throws {
        guard let hold = ReconcileLeaseHold.current else { return }
        while true {
            try await Task.sleep(for: settings.leaseTTL / 3)
            let asked = clock()
            try hold.check(at: asked)
            let held = try await ledger.renewReconcileLease(hold.fence, ttl: settings.leaseTTL, now: asked)
            guard held else { throw hold.taken() }
            hold.renewed(askedAt: asked)
            try hold.check(at: clock())
        }
    }

    /// Logs and counts a run stopped by the loss of its lease; false for any other error.
    @discardableResult
    func noteLeaseLoss(_ error: any Error, runID: String) -> Bool {
        guard let lost = error as? ReconcileRunError, let hold = ReconcileLeaseHold.current else { return false }
        let reason: String
        switch lost {
        case .leaseLost: reason = "taken"
        case .leaseExpired: reason = "expired"
        }
        logger.error(
            "reconciliation stopped: its lease is no longer held, nothing more is written",
            metadata: [
                "run": "\(runID)", "lease": "\(hold.fence.name)", "generation": "\(hold.fence.generation)",
                "reason": "\(reason)", "error": "\(lost)",
                "actedUntil": "\(hold.actedUntil.map { RFC3339.format($0) } ?? "-")",
            ])
        metrics?.reconciliationLeaseLost(reason: reason)
        return true
    }
}
