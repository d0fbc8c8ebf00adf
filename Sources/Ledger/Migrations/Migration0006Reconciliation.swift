extension LedgerMigration {
    /// Reconciliation: one row per finding (order × run, so a resumed run rewrites rather than adds)
    /// and the lease that keeps runs one at a time across replicas, with the state of the run it covers
    /// (window and progress) so an interrupted run resumes.
    static let v6Reconciliation = LedgerMigration(
        version: 6,
        name: "reconciliation",
        sqlite: [
            """
            CREATE TABLE reconcile_findings (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL,
                order_key TEXT NOT NULL,
                classification TEXT NOT NULL,
                action TEXT NOT NULL,
                outcome TEXT NOT NULL,
                channel_state TEXT NOT NULL,
                erp_state TEXT,
                evidence TEXT NOT NULL,
                event_id TEXT,
                case_id INTEGER,
                found_us INTEGER NOT NULL,
                UNIQUE (run_id, order_key)
            )
            """,
            "CREATE INDEX reconcile_findings_found ON reconcile_findings (found_us)",
            """
            CREATE TABLE reconcile_leases (
                name TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                expires_us INTEGER NOT NULL,
                run_id TEXT,
                window_start_us INTEGER,
                window_end_us INTEGER,
                progress_us INTEGER,
                finished INTEGER NOT NULL DEFAULT 0
            )
            """,
        ],
        postgres: [
            """
            CREATE TABLE reconcile_findings (
                id BIGSERIAL PRIMARY KEY,
                run_id TEXT NOT NULL,
                order_key TEXT NOT NULL,
                classification TEXT NOT NULL,
                action TEXT NOT NULL,
                outcome TEXT NOT NULL,
                channel_state TEXT NOT NULL,
                erp_state TEXT,
                evidence TEXT NOT NULL,
                event_id TEXT,
                case_id BIGINT,
                found_at TIMESTAMPTZ NOT NULL,
                UNIQUE (run_id, order_key)
            )
            """,
            "CREATE INDEX reconcile_findings_found ON reconcile_findings (found_at)",
            """
            CREATE TABLE reconcile_leases (
                name TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL,
                run_id TEXT,
                window_start TIMESTAMPTZ,
                window_end TIMESTAMPTZ,
                progress TIMESTAMPTZ,
                finished BOOLEAN NOT NULL DEFAULT FALSE
            )
            """,
        ]
    )
}
