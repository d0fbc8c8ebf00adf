import Foundation
import GRDB

/// Stage processes and their throughput (migration 9).
extension SQLiteLedgerStore: ProcessStore {
    public func heartbeat(_ processes: [StageProcess], throughput: [StageThroughput]) async throws {
        guard !processes.isEmpty || !throughput.isEmpty else { return }
        try await write { db in
            for p in processes {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO stage_processes (process_id, stage, replica, host, pid, partitions,
                            state, started_us, heartbeat_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        StorageCoding.text(p.processID), StorageCoding.text(p.stage), StorageCoding.text(p.replica),
                        StorageCoding.text(p.host), p.pid, StorageCoding.text(p.partitionsText),
                        StorageCoding.text(p.state), StorageCoding.microseconds(p.startedAt),
                        StorageCoding.microseconds(p.heartbeatAt),
                    ])
            }
            for t in throughput where t.records > 0 {
                try db.execute(
                    sql: """
                        INSERT INTO stage_throughput (stage, process_id, minute_us, records) VALUES (?, ?, ?, ?)
                        ON CONFLICT (stage, process_id, minute_us) DO UPDATE SET records = records + excluded.records
                        """,
                    arguments: [
                        StorageCoding.text(t.stage), StorageCoding.text(t.processID),
                        StorageCoding.microseconds(StageThroughput.minute(of: t.minute)), t.records,
                    ])
            }
        }
    }

    public func stageProcesses() async throws -> [StageProcess] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT process_id, stage, replica, host, pid, partitions, state, started_us, heartbeat_us
                    FROM stage_processes ORDER BY stage, replica, process_id
                    """
            ).map { row in
                StageProcess(
                    processID: row[0], stage: row[1], replica: row[2], host: row[3], pid: row[4],
                    partitions: StageProcess.partitions(row[5]), state: row[6],
                    startedAt: StorageCoding.date(microseconds: row[7]),
                    heartbeatAt: StorageCoding.date(microseconds: row[8]))
            }
        }
    }

    public func stageThroughput(since: Date) async throws -> [StageThroughput] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT stage, process_id, minute_us, records FROM stage_throughput WHERE minute_us >= ?
                    ORDER BY minute_us, stage, process_id
                    """,
                arguments: [StorageCoding.microseconds(StageThroughput.minute(of: since))]
            ).map { row in
                StageThroughput(
                    stage: row[0], processID: row[1], minute: StorageCoding.date(microseconds: row[2]), records: row[3])
            }
        }
    }

    @discardableResult
    public func pruneStageProcesses(before cutoff: Date) async throws -> Int {
        try await write { db in
            let micros = StorageCoding.microseconds(cutoff)
            try db.execute(sql: "DELETE FROM stage_processes WHERE heartbeat_us < ?", arguments: [micros])
            var deleted = db.changesCount
            try db.execute(sql: "DELETE FROM stage_throughput WHERE minute_us < ?", arguments: [micros])
            deleted += db.changesCount
            return deleted
        }
    }
}
