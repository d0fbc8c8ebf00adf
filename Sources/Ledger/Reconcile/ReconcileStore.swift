import Foundation

/// Reconciliation's part of the ledger (migration 6): findings, and a lease so one run at a time goes
/// across replicas. Every lease operation is a compare-and-set on the lease row.
public protocol ReconcileStore: Sendable {
    /// Takes the lease `name` for `owner` until `now + ttl` if nobody holds it, it lapsed, or `owner`
    /// already holds it, raising its generation (the fencing token, ``ReconcileLease/fence``). Returns
    /// the lease (with the last run's state) or nil when another owner holds it.
    func acquireReconcileLease(name: String, owner: String, ttl: Duration, now: Date) async throws -> ReconcileLease?

    /// Extends the lease to `now + ttl` if `fence` is still current and the lease has not lapsed at
    /// `now`; false when it was lost or lapsed (even if nobody took it yet).
    func renewReconcileLease(_ fence: ReconcileFence, ttl: Duration, now: Date) async throws -> Bool

    /// Records the run's state on the lease if `fence` is still current; false when it is not.
    func saveReconcileRun(_ fence: ReconcileFence, run: ReconcileRunState) async throws -> Bool

    /// Gives the lease up (it lapses at once) if `fence` is still current.
    func releaseReconcileLease(_ fence: ReconcileFence) async throws

    /// Whether `fence` is still the lease's current token.
    func isReconcileFenceCurrent(_ fence: ReconcileFence) async throws -> Bool

    /// Stores findings; a finding of the same run and order replaces the earlier one. With a `fence`,
    /// in one transaction with checking it: throws ``ReconcileLeaseFenced`` (nothing written) when the
    /// token is no longer current.
    func recordFindings(_ findings: [ReconcileFinding], fence: ReconcileFence?) async throws

    /// Findings of `runID`, or of every run since `since`, newest first, at most `limit`.
    func findings(runID: String?, since: Date?, limit: Int) async throws -> [ReconcileFinding]

    /// Writes a run's history entry (insert, or replace the entry with the same run id). With a
    /// `fence`, only while it is current (checked in the same transaction; else ``ReconcileLeaseFenced``).
    func saveReconcileRunRecord(_ record: ReconcileRunRecord, fence: ReconcileFence?) async throws

    /// The history entry of `runID`, or nil.
    func reconcileRunRecord(runID: String) async throws -> ReconcileRunRecord?

    /// The last `limit` runs (of every job name), newest first.
    func reconcileRunRecords(limit: Int) async throws -> [ReconcileRunRecord]
}

extension ReconcileStore {
    /// Stores findings without a fencing token (not on behalf of a lease holder).
    public func recordFindings(_ findings: [ReconcileFinding]) async throws {
        try await recordFindings(findings, fence: nil)
    }

    /// Writes a run's history entry without a fencing token.
    public func saveReconcileRunRecord(_ record: ReconcileRunRecord) async throws {
        try await saveReconcileRunRecord(record, fence: nil)
    }
}
