extension LedgerMigration {
    /// The processes each stage runs as, where every replica and the console can see them
    /// (`stage_processes`: one row per process and stage, its partitions, state and last heartbeat),
    /// and records per stage per minute (`stage_throughput`: each process adds what it settled since
    /// its last heartbeat — one small write per heartbeat, nothing per record).
    static let v9StageProcesses = LedgerMigration(
        version: 9,
        name: "stage-processes",
        sqlite: [
            """
            CREATE TABLE stage_processes (
                process_id TEXT NOT NULL,
                stage TEXT NOT NULL,
                replica TEXT NOT NULL,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                partitions TEXT NOT NULL,
                state TEXT NOT NULL,
                started_us INTEGER NOT NULL,
                heartbeat_us INTEGER NOT NULL,
                PRIMARY KEY (process_id, stage)
            )
            """,
            "CREATE INDEX stage_processes_heartbeat ON stage_processes (heartbeat_us)",
            """
            CREATE TABLE stage_throughput (
                stage TEXT NOT NULL,
                process_id TEXT NOT NULL,
                minute_us INTEGER NOT NULL,
                records INTEGER NOT NULL,
                PRIMARY KEY (stage, process_id, minute_us)
            )
            """,
            "CREATE INDEX stage_throughput_minute ON stage_throughput (minute_us)",
        ],
        postgres: [
            """
            CREATE TABLE stage_processes (
                process_id TEXT NOT NULL,
                stage TEXT NOT NULL,
                replica TEXT NOT NULL,
                host TEXT NOT NULL,
                pid BIGINT NOT NULL,
                partitions TEXT NOT NULL,
                state TEXT NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                heartbeat_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (process_id, stage)
            )
            """,
            "CREATE INDEX stage_processes_heartbeat ON stage_processes (heartbeat_at)",
            """
            CREATE TABLE stage_throughput (
                stage TEXT NOT NULL,
                process_id TEXT NOT NULL,
                minute TIMESTAMPTZ NOT NULL,
                records BIGINT NOT NULL,
                PRIMARY KEY (stage, process_id, minute)
            )
            """,
            "CREATE INDEX stage_throughput_minute ON stage_throughput (minute)",
        ]
    )
}
