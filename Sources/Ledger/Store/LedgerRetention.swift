import Foundation

/// How long each growing part of the ledger is kept (`ledger.retention` in the configuration file,
/// `DRIFTLESS_LEDGER_RETENTION_*`; `driftless ledger purge` applies it). Order states, open and
/// replayed cases, and the `reconcile:<name>` / `poller:` checkpoints are never purged.
public struct LedgerRetention: Sendable, Hashable {
    /// Audit rows (`audit_records`).
    public var auditRecords: TimeInterval = 30 * 86_400
    /// Resolved and discarded cases (and their `case_sources` rows), counted from their last change.
    public var closedCases: TimeInterval = 90 * 86_400
    /// Reconciliation findings (`reconcile_findings`).
    public var reconcileFindings: TimeInterval = 90 * 86_400
    /// Per-run checkpoints (`reconcile:<run>:<system>`) and the run history (`reconcile_runs`).
    public var reconcileRuns: TimeInterval = 90 * 86_400

    /// The defaults: 30 days of audit rows, 90 days of closed cases, findings and runs.
    public init() {}

    /// The cutoffs at `now`.
    public func cutoffs(now: Date = Date()) -> LedgerPurgeCutoffs {
        LedgerPurgeCutoffs(
            auditRecords: now.addingTimeInterval(-auditRecords), closedCases: now.addingTimeInterval(-closedCases),
            reconcileFindings: now.addingTimeInterval(-reconcileFindings),
            reconcileRuns: now.addingTimeInterval(-reconcileRuns))
    }
}

/// What a purge deletes: rows older than each cutoff (nil: that part is kept).
public struct LedgerPurgeCutoffs: Sendable, Hashable {
    public var auditRecords: Date?
    public var closedCases: Date?
    public var reconcileFindings: Date?
    public var reconcileRuns: Date?

    /// Cutoffs per part.
    public init(
        auditRecords: Date? = nil, closedCases: Date? = nil, reconcileFindings: Date? = nil, reconcileRuns: Date? = nil
    ) {
        self.auditRecords = auditRecords
        self.closedCases = closedCases
        self.reconcileFindings = reconcileFindings
        self.reconcileRuns = reconcileRuns
    }

    /// One cutoff for every part.
    public init(all cutoff: Date) {
        self.init(auditRecords: cutoff, closedCases: cutoff, reconcileFindings: cutoff, reconcileRuns: cutoff)
    }

    /// `LIKE` pattern of per-run checkpoints (`reconcile:<run>:<system>`), not `reconcile:<name>`.
    static let runCheckpointPattern = "reconcile:%:%"
}
