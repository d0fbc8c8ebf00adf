extension LedgerMigration {
    /// Retention and run history: `cases` gets the time of its last change (arrival or transition), so
    /// a closed case is purged by how long it has been closed, not by when it was first seen; and
    /// `reconcile_runs` keeps one row per reconciliation run (window, attempts, outcome) for
    /// `driftless reconcile --history` and for giving up a run that keeps failing.
    static let v8Retention = LedgerMigration(
        version: 8,
        name: "retention-and-run-history",
        sqlite: [
            "ALTER TABLE cases ADD COLUMN updated_us INTEGER NOT NULL DEFAULT 0",
            "UPDATE cases SET updated_us = last_seen_us",
            "CREATE INDEX cases_state_updated ON cases (state, updated_us)",
            """
            CREATE TABLE reconcile_runs (
                run_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                window_start_us INTEGER NOT NULL,
                window_end_us INTEGER NOT NULL,
                started_us INTEGER NOT NULL,
                updated_us INTEGER NOT NULL,
                attempts INTEGER NOT NULL,
                result TEXT NOT NULL,
                compared INTEGER NOT NULL DEFAULT 0,
                found INTEGER NOT NULL DEFAULT 0,
                error TEXT
            )
            """,
            "CREATE INDEX reconcile_runs_started ON reconcile_runs (started_us)",
        ],
        postgres: [
            "ALTER TABLE cases ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now()",
            "UPDATE cases SET updated_at = last_seen",
            "CREATE INDEX cases_state_updated ON cases (state, updated_at)",
            """
            CREATE TABLE reconcile_runs (
                run_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                window_start TIMESTAMPTZ NOT NULL,
                window_end TIMESTAMPTZ NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                attempts INTEGER NOT NULL,
                result TEXT NOT NULL,
                compared INTEGER NOT NULL DEFAULT 0,
                found INTEGER NOT NULL DEFAULT 0,
                error TEXT
            )
            """,
            "CREATE INDEX reconcile_runs_started ON reconcile_runs (started_at)",
        ]
    )
}
