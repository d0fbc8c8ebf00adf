extension LedgerMigration {
    /// Named positions that only move forward: a marketplace poller's "polled up to", later a
    /// reconciliation's last window end. Retention never purges them. Pollers of earlier builds kept
    /// their checkpoint as a reserved order-state row (`system = 'poller'`); those rows move here.
    static let v3Checkpoints = LedgerMigration(
        version: 3,
        name: "checkpoints",
        sqlite: [
            """
            CREATE TABLE checkpoints (
                name TEXT PRIMARY KEY,
                position_us INTEGER NOT NULL,
                updated_us INTEGER NOT NULL
            )
            """,
            """
            INSERT INTO checkpoints (name, position_us, updated_us)
            SELECT order_key, source_us, updated_us FROM order_states
            WHERE system = 'poller' AND source_us IS NOT NULL
            """,
            "DELETE FROM order_states WHERE system = 'poller'",
        ],
        postgres: [
            """
            CREATE TABLE checkpoints (
                name TEXT PRIMARY KEY,
                position TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
            """
            INSERT INTO checkpoints (name, position, updated_at)
            SELECT order_key, source_ts, updated_at FROM order_states
            WHERE system = 'poller' AND source_ts IS NOT NULL
            """,
            "DELETE FROM order_states WHERE system = 'poller'",
        ]
    )
}
