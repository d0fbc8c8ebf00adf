extension LedgerMigration {
    /// The reconciliation lease's fencing token: a generation raised by every acquisition, which the
    /// holder's writes (run state, findings, run history) must still match.
    static let v10ReconcileLeaseGeneration = LedgerMigration(
        version: 10,
        name: "reconcile-lease-generation",
        sqlite: ["ALTER TABLE reconcile_leases ADD COLUMN generation INTEGER NOT NULL DEFAULT 0"],
        postgres: ["ALTER TABLE reconcile_leases ADD COLUMN generation BIGINT NOT NULL DEFAULT 0"]
    )
}
