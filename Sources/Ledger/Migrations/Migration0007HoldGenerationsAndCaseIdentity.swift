extension LedgerMigration {
    /// Two safety changes of the retry and dead-letter paths (issue 25):
    /// - `case_sources` gets a `fingerprint` (a digest of the source record's timestamp and content)
    ///   in its key, so a new failure on an offset used before — a topic recreated, a cluster
    ///   migrated, an embedded run on a kept ledger — is a new case, while a true redelivery (same
    ///   record) stays a duplicate. Rows from before keep an empty fingerprint.
    /// - `order_holds` gets a `generation` (changed every time the hold is armed, carried by the
    ///   retry record written for it, so only one chain drains an order) and the head's record
    ///   (`head_*`, so a hold whose head is in no retry topic can be re-armed by the sweep).
    /// (Version 6 is reconciliation.)
    static let v7HoldGenerationsAndCaseIdentity = LedgerMigration(
        version: 7,
        name: "hold-generations-and-case-identity",
        sqlite: [
            """
            CREATE TABLE case_sources_v7 (
                topic TEXT NOT NULL,
                kafka_partition INTEGER NOT NULL,
                kafka_offset INTEGER NOT NULL,
                fingerprint TEXT NOT NULL DEFAULT '',
                case_id INTEGER NOT NULL,
                seen_us INTEGER NOT NULL,
                PRIMARY KEY (topic, kafka_partition, kafka_offset, fingerprint)
            )
            """,
            """
            INSERT INTO case_sources_v7 (topic, kafka_partition, kafka_offset, fingerprint, case_id, seen_us)
            SELECT topic, kafka_partition, kafka_offset, '', case_id, seen_us FROM case_sources
            """,
            "DROP TABLE case_sources",
            "ALTER TABLE case_sources_v7 RENAME TO case_sources",
            "ALTER TABLE order_holds ADD COLUMN generation INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE order_holds ADD COLUMN head_value BLOB",
            "ALTER TABLE order_holds ADD COLUMN head_headers TEXT",
            "ALTER TABLE order_holds ADD COLUMN head_topic TEXT",
            "ALTER TABLE order_holds ADD COLUMN head_partition INTEGER",
            "ALTER TABLE order_holds ADD COLUMN head_offset INTEGER",
            "CREATE INDEX order_holds_updated ON order_holds (updated_us)",
        ],
        postgres: [
            "ALTER TABLE case_sources ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE case_sources DROP CONSTRAINT case_sources_pkey",
            "ALTER TABLE case_sources ADD PRIMARY KEY (topic, kafka_partition, kafka_offset, fingerprint)",
            "ALTER TABLE order_holds ADD COLUMN generation BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE order_holds ADD COLUMN head_value BYTEA",
            "ALTER TABLE order_holds ADD COLUMN head_headers TEXT",
            "ALTER TABLE order_holds ADD COLUMN head_topic TEXT",
            "ALTER TABLE order_holds ADD COLUMN head_partition INTEGER",
            "ALTER TABLE order_holds ADD COLUMN head_offset BIGINT",
            "CREATE INDEX order_holds_updated ON order_holds (updated_at)",
        ]
    )
}
