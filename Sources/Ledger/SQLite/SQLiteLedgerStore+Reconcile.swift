import Foundation
import GRDB

extension SQLiteLedgerStore: ReconcileStore {
    public func acquireReconcileLease(
        name: String, owner: String, ttl: Duration, now: Date
    ) async throws -> ReconcileLease? {
        let nowUS = StorageCoding.microseconds(now)
        let expires = StorageCoding.microseconds(now.addingTimeInterval(Self.leaseSeconds(ttl)))
        return try await write { db in
            // One write transaction: SQLite serialises competing acquirers. Every acquisition raises
            // the generation (the fencing token), also a holder's own: its earlier token goes stale.
            let row = try Row.fetchOne(
                db, sql: "SELECT owner, expires_us FROM reconcile_leases WHERE name = ?", arguments: [name])
            if let row {
                let holder: String = row[0]
                let until: Int64 = row[1]
                guard holder == owner || until <= nowUS else { return nil }
                try db.execute(
                    sql:
                        "UPDATE reconcile_leases SET owner = ?, expires_us = ?, generation = generation + 1 WHERE name = ?",
                    arguments: [owner, expires, name])
            } else {
                try db.execute(
                    sql: "INSERT INTO reconcile_leases (name, owner, expires_us, generation) VALUES (?, ?, ?, 1)",
                    arguments: [name, owner, expires])
            }
            return try Self.lease(db, name: name)
        }
    }

    public func renewReconcileLease(_ fence: ReconcileFence, ttl: Duration, now: Date) async throws -> Bool {
        let expires = StorageCoding.microseconds(now.addingTimeInterval(Self.leaseSeconds(ttl)))
        let nowUS = StorageCoding.microseconds(now)
        return try await write { db in
            try db.execute(
                sql: """
                    UPDATE reconcile_leases SET expires_us = ?
                    WHERE name = ? AND owner = ? AND generation = ? AND expires_us > ?
                    """,
                arguments: [expires, fence.name, fence.owner, fence.generation, nowUS])
            return db.changesCount == 1
        }
    }

    public func saveReconcileRun(_ fence: ReconcileFence, run: ReconcileRunState) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE reconcile_leases SET run_id = ?, window_start_us = ?, window_end_us = ?, progress_us = ?,
                        finished = ? WHERE name = ? AND owner = ? AND generation = ?
                    """,
                arguments: [
                    run.runID, StorageCoding.microseconds(run.windowStart), StorageCoding.microseconds(run.windowEnd),
                    run.progress.map(StorageCoding.microseconds), run.finished ? 1 : 0, fence.name, fence.owner,
                    fence.generation,
                ])
            return db.changesCount == 1
        }
    }

    public func releaseReconcileLease(_ fence: ReconcileFence) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE reconcile_leases SET expires_us = 0 WHERE name = ? AND owner = ? AND generation = ?",
                arguments: [fence.name, fence.owner, fence.generation])
        }
    }

    public func isReconcileFenceCurrent(_ fence: ReconcileFence) async throws -> Bool {
        try await read { db in try Self.isCurrent(db, fence) }
    }

    /// Whether `fence` is the lease's current token, read in the caller's transaction.
    static func isCurrent(_ db: Database, _ fence: ReconcileFence) throws -> Bool {
        try Row.fetchOne(
            db, sql: "SELECT 1 FROM reconcile_leases WHERE name = ? AND owner = ? AND generation = ?",
            arguments: [fence.name, fence.owner, fence.generation]) != nil
    }

    /// Throws ``ReconcileLeaseFenced`` unless `fence` (if any) is current, in the caller's transaction.
    static func requireCurrent(_ db: Database, _ fence: ReconcileFence?) throws {
        if let fence, try !isCurrent(db, fence) { throw ReconcileLeaseFenced(fence: fence) }
    }

    public func recordFindings(_ findings: [ReconcileFinding], fence: ReconcileFence?) async throws {
        guard !findings.isEmpty else { return }
        try await write { db in
            try Self.requireCurrent(db, fence)
            for f in findings {
                try db.execute(
                    sql: """
                        INSERT INTO reconcile_findings (run_id, order_key, classification, action, outcome,
                            channel_state, erp_state, evidence, event_id, case_id, found_us)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (run_id, order_key) DO UPDATE SET classification = excluded.classification,
                            action = excluded.action, outcome = excluded.outcome,
                            channel_state = excluded.channel_state, erp_state = excluded.erp_state,
                            evidence = excluded.evidence, event_id = excluded.event_id, case_id = excluded.case_id,
                            found_us = excluded.found_us
                        """,
                    arguments: [
                        StorageCoding.text(f.runID), StorageCoding.text(f.orderKey), f.classification, f.action,
                        f.outcome, f.channelState, f.erpState, StorageCoding.text(f.evidence),
                        f.eventID.map(StorageCoding.text), f.caseID, StorageCoding.microseconds(f.foundAt),
                    ])
            }
        }
    }

    public func findings(runID: String?, since: Date?, limit: Int) async throws -> [ReconcileFinding] {
        try await read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let runID {
                conditions.append("run_id = ?")
                arguments.append(runID)
            }
            if let since {
                conditions.append("found_us >= ?")
                arguments.append(StorageCoding.microseconds(since))
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments.append(max(0, limit))
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT run_id, order_key, classification, action, outcome, channel_state, erp_state, evidence,
                        event_id, case_id, found_us FROM reconcile_findings \(filter)
                    ORDER BY found_us DESC, id DESC LIMIT ?
                    """, arguments: StatementArguments(arguments))
            return rows.map { row in
                ReconcileFinding(
                    runID: row[0], orderKey: row[1], classification: row[2], action: row[3], outcome: row[4],
                    channelState: row[5], erpState: row[6], evidence: row[7], eventID: row[8], caseID: row[9],
                    foundAt: StorageCoding.date(microseconds: row[10]))
            }
        }
    }

    public func saveReconcileRunRecord(_ record: ReconcileRunRecord, fence: ReconcileFence?) async throws {
        try await write { db in
            try Self.requireCurrent(db, fence)
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO reconcile_runs (run_id, name, window_start_us, window_end_us, started_us,
                        updated_us, attempts, result, compared, found, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    StorageCoding.text(record.runID), StorageCoding.text(record.name),
                    StorageCoding.microseconds(record.windowStart), StorageCoding.microseconds(record.windowEnd),
                    StorageCoding.microseconds(record.startedAt), StorageCoding.microseconds(record.updatedAt),
                    record.attempts, StorageCoding.text(record.result), record.compared, record.found,
                    record.error.map(StorageCoding.text),
                ])
        }
    }

    public func reconcileRunRecord(runID: String) async throws -> ReconcileRunRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "\(Self.runColumns) WHERE run_id = ?", arguments: [runID]).map(Self.runRecord)
        }
    }

    public func reconcileRunRecords(limit: Int) async throws -> [ReconcileRunRecord] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "\(Self.runColumns) ORDER BY started_us DESC, run_id DESC LIMIT ?", arguments: [max(0, limit)]
            ).map(Self.runRecord)
        }
    }

    private static let runColumns = """
        SELECT run_id, name, window_start_us, window_end_us, started_us, updated_us, attempts, result, compared,
            found, error FROM reconcile_runs
        """

    private static func runRecord(_ row: Row) -> ReconcileRunRecord {
        ReconcileRunRecord(
            runID: row[0], name: row[1], windowStart: StorageCoding.date(microseconds: row[2]),
            windowEnd: StorageCoding.date(microseconds: row[3]), startedAt: StorageCoding.date(microseconds: row[4]),
            updatedAt: StorageCoding.date(microseconds: row[5]), attempts: row[6], result: row[7], compared: row[8],
            found: row[9], error: row[10])
    }

    private static func lease(_ db: Database, name: String) throws -> ReconcileLease? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT owner, expires_us, run_id, window_start_us, window_end_us, progress_us, finished,
                        generation FROM reconcile_leases WHERE name = ?
                    """, arguments: [name])
        else { return nil }
        var run: ReconcileRunState?
        if let id: String = row[2], let start: Int64 = row[3], let end: Int64 = row[4] {
            let progress: Int64? = row[5]
            let finished: Int64 = row[6]
            run = ReconcileRunState(
                runID: id, windowStart: StorageCoding.date(microseconds: start),
                windowEnd: StorageCoding.date(microseconds: end),
                progress: progress.map(StorageCoding.date(microseconds:)), finished: finished != 0)
        }
        return ReconcileLease(
            name: name, owner: row[0], expiresAt: StorageCoding.date(microseconds: row[1]), run: run,
            generation: row[7])
    }

    static func leaseSeconds(_ duration: Duration) -> TimeInterval { duration.seconds }
}
