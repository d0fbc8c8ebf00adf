import Foundation

/// Reconciliation's part of the ledger (migration 6): findings, and a lease so one run at a time goes
/// across replicas. Every lease operation is a compare-and-set on the lease row.
public protocol ReconcileStore: Sendable {
    /// Takes the lease `name` for `owner` until `now + ttl` if nobody holds it, it lapsed, or `owner`
    /// already holds it. Returns the lease (with the last run's state) or nil when another owner holds it.
    func acquireReconcileLease(name: String, owner: String, ttl: Duration, now: Date) async throws -> ReconcileLease?

    /// Extends the lease if `owner` still holds it; false when it was lost.
    func renewReconcileLease(name: String, owner: String, ttl: Duration, now: Date) async throws -> Bool

    /// Records the run's state on the lease if `owner` holds it; false when it was lost.
    func saveReconcileRun(name: String, owner: String, run: ReconcileRunState) async throws -> Bool

    /// Gives the lease up (it lapses at once) if `owner` holds it.
    func releaseReconcileLease(name: String, owner: String) async throws

    /// Stores findings; a finding of the same run and order replaces the earlier one.
    func recordFindings(_ findings: [ReconcileFinding]) async throws

    /// Findings of `runID`, or of every run since `since`, newest first, at most `limit`.
    func findings(runID: String?, since: Date?, limit: Int) async throws -> [ReconcileFinding]

    /// Writes a run's history entry (insert, or replace the entry with the same run id).
    func saveReconcileRunRecord(_ record: ReconcileRunRecord) async throws

    /// The history entry of `runID`, or nil.
    func reconcileRunRecord(runID: String) async throws -> ReconcileRunRecord?

    /// The last `limit` runs (of every job name), newest first.
    func reconcileRunRecords(limit: Int) async throws -> [ReconcileRunRecord]
}
