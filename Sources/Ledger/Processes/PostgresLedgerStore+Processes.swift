import Foundation
import PostgresNIO

/// Stage processes and their throughput (migration 9).
extension PostgresLedgerStore: ProcessStore {
    public func heartbeat(_ processes: [StageProcess], throughput: [StageThroughput]) async throws {
        guard !processes.isEmpty || !throughput.isEmpty else { return }
        try await run("heartbeat") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                for p in processes {
                    var binds = PostgresBindings()
                    binds.append(StorageCoding.text(p.processID))
                    binds.append(StorageCoding.text(p.stage))
                    binds.append(StorageCoding.text(p.replica))
                    binds.append(StorageCoding.text(p.host))
                    binds.append(Int64(p.pid))
                    binds.append(StorageCoding.text(p.partitionsText))
                    binds.append(StorageCoding.text(p.state))
                    binds.append(p.startedAt)
                    binds.append(p.heartbeatAt)
                    let sql = """
                        INSERT INTO stage_processes (process_id, stage, replica, host, pid, partitions, state,
                            started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                        ON CONFLICT (process_id, stage) DO UPDATE SET replica = $3, host = $4, pid = $5,
                            partitions = $6, state = $7, started_at = $8, heartbeat_at = $9
                        """
                    try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                }
                for t in throughput where t.records > 0 {
                    var binds = PostgresBindings()
                    binds.append(StorageCoding.text(t.stage))
                    binds.append(StorageCoding.text(t.processID))
                    binds.append(StageThroughput.minute(of: t.minute))
                    binds.append(Int64(t.records))
                    let sql = """
                        INSERT INTO stage_throughput (stage, process_id, minute, records) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (stage, process_id, minute) DO UPDATE
                            SET records = stage_throughput.records + excluded.records
                        """
                    try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                }
            }
        }
    }

    public func stageProcesses() async throws -> [StageProcess] {
        try await run("stageProcesses") { client, logger in
            let sql = """
                SELECT process_id, stage, replica, host, pid, partitions, state, started_at, heartbeat_at
                FROM stage_processes ORDER BY stage, replica, process_id
                """
            var result: [StageProcess] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                .decode((String, String, String, String, Int64, String, String, Date, Date).self)
            {
                result.append(
                    StageProcess(
                        processID: row.0, stage: row.1, replica: row.2, host: row.3, pid: Int(row.4),
                        partitions: StageProcess.partitions(row.5), state: row.6, startedAt: row.7,
                        heartbeatAt: row.8))
            }
            return result
        }
    }

    public func stageThroughput(since: Date) async throws -> [StageThroughput] {
        try await run("stageThroughput") { client, logger in
            var binds = PostgresBindings()
            binds.append(StageThroughput.minute(of: since))
            let sql = """
                SELECT stage, process_id, minute, records FROM stage_throughput WHERE minute >= $1
                ORDER BY minute, stage, process_id
                """
            var result: [StageThroughput] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode((String, String, Date, Int64).self)
            {
                result.append(StageThroughput(stage: row.0, processID: row.1, minute: row.2, records: Int(row.3)))
            }
            return result
        }
    }

    @discardableResult
    public func pruneStageProcesses(before cutoff: Date) async throws -> Int {
        try await run("pruneStageProcesses") { client, logger in
            var deleted = 0
            for sql in [
                "WITH gone AS (DELETE FROM stage_processes WHERE heartbeat_at < $1 RETURNING 1) SELECT count(*) FROM gone",
                "WITH gone AS (DELETE FROM stage_throughput WHERE minute < $1 RETURNING 1) SELECT count(*) FROM gone",
            ] {
                var binds = PostgresBindings()
                binds.append(cutoff)
                for try await count in try await client.query(
                    PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger
                )
                .decode(Int64.self) {
                    deleted += Int(count)
                }
            }
            return deleted
        }
    }
}
