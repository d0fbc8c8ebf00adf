extension LedgerMigration {
    /// Durable per-order, per-system state for translate.
    static let v2OrderStates = LedgerMigration(
        version: 2,
        name: "order_states",
        sqlite: [
            """
            CREATE TABLE order_states (
                order_key TEXT NOT NULL,
                system TEXT NOT NULL,
                state TEXT NOT NULL,
                dimensions TEXT NOT NULL DEFAULT '{}',
                version INTEGER NOT NULL,
                source_us INTEGER,
                last_event_id TEXT,
                applied_event_ids TEXT NOT NULL DEFAULT '[]',
                updated_us INTEGER NOT NULL,
                PRIMARY KEY (order_key, system)
            )
            """,
            "CREATE INDEX order_states_updated ON order_states (updated_us)",
        ],
        postgres: [
            """
            CREATE TABLE order_states (
                order_key TEXT NOT NULL,
                system TEXT NOT NULL,
                state TEXT NOT NULL,
                dimensions TEXT NOT NULL DEFAULT '{}',
                version BIGINT NOT NULL,
                source_ts TIMESTAMPTZ,
                last_event_id TEXT,
                applied_event_ids TEXT NOT NULL DEFAULT '[]',
                updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (order_key, system)
            )
            """,
            "CREATE INDEX order_states_updated ON order_states (updated_at)",
        ]
    )
}
