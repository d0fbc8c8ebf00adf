import Foundation
import Logging
import PostgresNIO

extension PostgresLedgerStore: ReconcileStore {
    public func acquireReconcileLease(
        name: String, owner: String, ttl: Duration, now: Date
    ) async throws -> ReconcileLease? {
        try await run("acquireReconcileLease") { client, logger in
            var binds = PostgresBindings()
            binds.append(name)
            binds.append(owner)
            binds.append(now.addingTimeInterval(SQLiteLedgerStore.leaseSeconds(ttl)))
            binds.append(now)
            // One statement: the conflicting row's lock makes the check and the takeover atomic; every
            // acquisition raises the generation (the fencing token).
            let sql = """
                INSERT INTO reconcile_leases (name, owner, expires_at, generation) VALUES ($1, $2, $3, 1)
                ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,
                    generation = reconcile_leases.generation + 1
                WHERE reconcile_leases.owner = excluded.owner OR reconcile_leases.expires_at <= $4
                RETURNING owner, expires_at, run_id, window_start, window_end, progress, finished, generation
                """
            for try await (holder, expires, runID, start, end, progress, finished, generation)
                in try await client
                .query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode((String, Date, String?, Date?, Date?, Date?, Bool, Int64).self)
            {
                var run: ReconcileRunState?
                if let runID, let start, let end {
                    run = ReconcileRunState(
                        runID: runID, windowStart: start, windowEnd: end, progress: progress, finished: finished)
                }
                return ReconcileLease(name: name, owner: holder, expiresAt: expires, run: run, generation: generation)
            }
            return nil
        }
    }

    public func renewReconcileLease(_ fence: ReconcileFence, ttl: Duration, now: Date) async throws -> Bool {
        try await run("renewReconcileLease") { client, logger in
            var binds = Self.fenceBinds(fence)
            binds.append(now.addingTimeInterval(SQLiteLedgerStore.leaseSeconds(ttl)))
            binds.append(now)
            let sql = """
                UPDATE reconcile_leases SET expires_at = $4
                WHERE name = $1 AND owner = $2 AND generation = $3 AND expires_at > $5 RETURNING name
                """
            return try await Self.returnsRow(client, sql, binds, logger)
        }
    }

    public func saveReconcileRun(_ fence: ReconcileFence, run state: ReconcileRunState) async throws -> Bool {
        try await run("saveReconcileRun") { client, logger in
            var binds = Self.fenceBinds(fence)
            binds.append(state.runID)
            binds.append(state.windowStart)
            binds.append(state.windowEnd)
            binds.append(state.progress)
            binds.append(state.finished)
            let sql = """
                UPDATE reconcile_leases SET run_id = $4, window_start = $5, window_end = $6, progress = $7,
                    finished = $8 WHERE name = $1 AND owner = $2 AND generation = $3 RETURNING name
                """
            return try await Self.returnsRow(client, sql, binds, logger)
        }
    }

    public func releaseReconcileLease(_ fence: ReconcileFence) async throws {
        try await run("releaseReconcileLease") { client, logger in
            var binds = Self.fenceBinds(fence)
            binds.append(Date(timeIntervalSince1970: 0))
            let sql = "UPDATE reconcile_leases SET expires_at = $4 WHERE name = $1 AND owner = $2 AND generation = $3"
            try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    public func isReconcileFenceCurrent(_ fence: ReconcileFence) async throws -> Bool {
        try await run("isReconcileFenceCurrent") { client, logger in
            let sql = "SELECT name FROM reconcile_leases WHERE name = $1 AND owner = $2 AND generation = $3"
            return try await Self.returnsRow(client, sql, Self.fenceBinds(fence), logger)
        }
    }

    /// Throws ``ReconcileLeaseFenced`` unless `fence` (if any) is current, inside the caller's
    /// transaction: the lease row is share-locked, so an acquisition waits for the transaction's end.
    static func requireCurrent(_ connection: PostgresConnection, _ fence: ReconcileFence?, _ logger: Logger)
        async throws
    {
        guard let fence else { return }
        let sql = "SELECT name FROM reconcile_leases WHERE name = $1 AND owner = $2 AND generation = $3 FOR SHARE"
        for try await _ in try await connection.query(
            PostgresQuery(unsafeSQL: sql, binds: fenceBinds(fence)), logger: logger
        ).decode(String.self) {
            return
        }
        throw ReconcileLeaseFenced(fence: fence)
    }

    private static func fenceBinds(_ fence: ReconcileFence) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(fence.name)
        binds.append(fence.owner)
        binds.append(fence.generation)
        return binds
    }

    private static func returnsRow(
        _ client: PostgresClient, _ sql: String, _ binds: PostgresBindings, _ logger: Logger
    ) async throws -> Bool {
        for try await _ in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            .decode(String.self)
        {
            return true
        }
        return false
    }

    public func recordFindings(_ findings: [ReconcileFinding], fence: ReconcileFence?) async throws {
        guard !findings.isEmpty else { return }
        try await run("recordFindings") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                try await Self.requireCurrent(connection, fence, logger)
                for f in findings {
                    var binds = PostgresBindings()
                    binds.append(StorageCoding.text(f.runID))
                    binds.append(StorageCoding.text(f.orderKey))
                    binds.append(f.classification)
                    binds.append(f.action)
                    binds.append(f.outcome)
                    binds.append(f.channelState)
                    binds.append(f.erpState)
                    binds.append(StorageCoding.text(f.evidence))
                    binds.append(f.eventID.map(StorageCoding.text))
                    binds.append(f.caseID)
                    binds.append(f.foundAt)
                    let sql = """
                        INSERT INTO reconcile_findings (run_id, order_key, classification, action, outcome,
                            channel_state, erp_state, evidence, event_id, case_id, found_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                        ON CONFLICT (run_id, order_key) DO UPDATE SET classification = excluded.classification,
                            action = excluded.action, outcome = excluded.outcome,
                            channel_state = excluded.channel_state, erp_state = excluded.erp_state,
                            evidence = excluded.evidence, event_id = excluded.event_id, case_id = excluded.case_id,
                            found_at = excluded.found_at
                        """
                    try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                }
            }
        }
    }

    public func findings(runID: String?, since: Date?, limit: Int) async throws -> [ReconcileFinding] {
        try await run("findings") { client, logger in
            var binds = PostgresBindings()
            binds.append(runID)
            binds.append(since)
            binds.append(Int64(max(0, limit)))
            let sql = """
                SELECT run_id, order_key, classification, action, outcome, channel_state, erp_state, evidence,
                    event_id, case_id, found_at FROM reconcile_findings
                WHERE ($1::text IS NULL OR run_id = $1) AND ($2::timestamptz IS NULL OR found_at >= $2)
                ORDER BY found_at DESC, id DESC LIMIT $3
                """
            var result: [ReconcileFinding] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode((String, String, String, String, String, String, String?, String, String?, Int64?, Date).self)
            {
                result.append(
                    ReconcileFinding(
                        runID: row.0, orderKey: row.1, classification: row.2, action: row.3, outcome: row.4,
                        channelState: row.5, erpState: row.6, evidence: row.7, eventID: row.8, caseID: row.9,
                        foundAt: row.10))
            }
            return result
        }
    }
}
