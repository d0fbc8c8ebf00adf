import Foundation
import PostgresNIO

/// Reconciliation's run history (`reconcile_runs`, migration 8).
extension PostgresLedgerStore {
    public func saveReconcileRunRecord(_ record: ReconcileRunRecord, fence: ReconcileFence?) async throws {
        try await run("saveReconcileRunRecord") { client, logger in
            var binds = PostgresBindings()
            binds.append(StorageCoding.text(record.runID))
            binds.append(StorageCoding.text(record.name))
            binds.append(record.windowStart)
            binds.append(record.windowEnd)
            binds.append(record.startedAt)
            binds.append(record.updatedAt)
            binds.append(Int32(clamping: record.attempts))
            binds.append(StorageCoding.text(record.result))
            binds.append(Int32(clamping: record.compared))
            binds.append(Int32(clamping: record.found))
            binds.append(record.error.map(StorageCoding.text))
            let sql = """
                INSERT INTO reconcile_runs (run_id, name, window_start, window_end, started_at, updated_at, attempts,
                    result, compared, found, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (run_id) DO UPDATE SET name = $2, window_start = $3, window_end = $4, started_at = $5,
                    updated_at = $6, attempts = $7, result = $8, compared = $9, found = $10, error = $11
                """
            try await client.withTransaction(logger: logger) { connection in
                try await Self.requireCurrent(connection, fence, logger)
                try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            }
        }
    }

    public func reconcileRunRecord(runID: String) async throws -> ReconcileRunRecord? {
        try await runRecords(where: "WHERE run_id = $1", runID, limit: 1).first
    }

    public func reconcileRunRecords(limit: Int) async throws -> [ReconcileRunRecord] {
        try await runRecords(where: "WHERE $1::text IS NULL", nil, limit: limit)
    }

    private func runRecords(where filter: String, _ value: String?, limit: Int) async throws -> [ReconcileRunRecord] {
        try await run("reconcileRunRecords") { client, logger in
            var binds = PostgresBindings()
            binds.append(value)
            binds.append(Int64(max(0, limit)))
            let sql = """
                SELECT run_id, name, window_start, window_end, started_at, updated_at, attempts, result, compared,
                    found, error FROM reconcile_runs \(filter) ORDER BY started_at DESC, run_id DESC LIMIT $2
                """
            var result: [ReconcileRunRecord] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode((String, String, Date, Date, Date, Date, Int32, String, Int32, Int32, String?).self)
            {
                result.append(
                    ReconcileRunRecord(
                        runID: row.0, name: row.1, windowStart: row.2, windowEnd: row.3, startedAt: row.4,
                        updatedAt: row.5, attempts: Int(row.6), result: row.7, compared: Int(row.8),
                        found: Int(row.9), error: row.10))
            }
            return result
        }
    }
}
