extension LedgerMigration {
    /// Per-order parking for the retry path: an order with an event in the retry tiers is *held*
    /// (`order_holds`, its head event id); its later events wait in `parked_events`, in arrival
    /// order, until the head succeeds or is dead-lettered and the retry stage drains them.
    /// (Version 4 is the dead-letter cases table.)
    static let v5Parking = LedgerMigration(
        version: 5,
        name: "parking",
        sqlite: [
            """
            CREATE TABLE order_holds (
                order_key TEXT PRIMARY KEY,
                head_event_id TEXT NOT NULL,
                since_us INTEGER NOT NULL,
                updated_us INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE parked_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                order_key TEXT NOT NULL,
                event_id TEXT NOT NULL,
                value BLOB NOT NULL,
                headers TEXT NOT NULL,
                source_topic TEXT NOT NULL,
                source_partition INTEGER NOT NULL,
                source_offset INTEGER NOT NULL,
                parked_us INTEGER NOT NULL
            )
            """,
            "CREATE INDEX parked_events_by_order ON parked_events (order_key, id)",
        ],
        postgres: [
            """
            CREATE TABLE order_holds (
                order_key TEXT PRIMARY KEY,
                head_event_id TEXT NOT NULL,
                since TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
            """
            CREATE TABLE parked_events (
                id BIGSERIAL PRIMARY KEY,
                order_key TEXT NOT NULL,
                event_id TEXT NOT NULL,
                value BYTEA NOT NULL,
                headers TEXT NOT NULL,
                source_topic TEXT NOT NULL,
                source_partition INTEGER NOT NULL,
                source_offset BIGINT NOT NULL,
                parked_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX parked_events_by_order ON parked_events (order_key, id)",
        ]
    )
}
