import Foundation
import GRDB
import Logging

/// The embedded ledger: SQLite through GRDB, a WAL `DatabasePool` on a file (or a queue in memory).
public final class SQLiteLedgerStore: LedgerStore {
    public let location: String
    let writer: any DatabaseWriter
    let logger: Logger

    /// Opens (creating if needed) the database and applies pending migrations, on a dispatch queue:
    /// opening may wait up to the busy timeout for another process's lock, which must not hold up a
    /// thread of Swift's cooperative pool.
    /// With `readOnly` the file must exist: nothing is created, no migration runs, writes fail.
    public static func open(
        options: LedgerURL.SQLiteOptions, logger: Logger, readOnly: Bool = false
    ) async throws -> SQLiteLedgerStore {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try SQLiteLedgerStore(
                            options: options, logger: logger, migrations: LedgerMigration.all, readOnly: readOnly)
                    })
            }
        }
    }

    /// Opens (creating if needed) the database and applies pending migrations, blocking the caller.
    public convenience init(options: LedgerURL.SQLiteOptions, logger: Logger) throws {
        try self.init(options: options, logger: logger, migrations: LedgerMigration.all)
    }

    /// Opens the database applying only `migrations` (tests of upgrades from older schemas).
    init(
        options: LedgerURL.SQLiteOptions, logger: Logger, migrations: [LedgerMigration], readOnly: Bool = false
    ) throws {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(Self.seconds(options.busyTimeout))
        configuration.label = "driftless.ledger"
        if !readOnly {
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        self.logger = logger
        if let path = options.path {
            self.location = "sqlite://\(path)"
            if readOnly {
                writer = try Self.openReadOnly(path: path, configuration: configuration, location: location)
                return
            }
            let directory = (path as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw LedgerError.cannotOpen(
                    location, reason: "cannot create directory \(directory): \(error.localizedDescription)")
            }
            writer = try Self.openPool(path: path, configuration: configuration, options: options, location: location)
        } else {
            self.location = "sqlite::memory:"
            if readOnly { throw LedgerError.cannotOpen(location, reason: "an in-memory ledger holds nothing to read") }
            do {
                writer = try DatabaseQueue(configuration: configuration)
            } catch {
                throw Self.map(error, location: location)
            }
        }
        let migrator = SQLiteMigrator(writer: writer, location: location, logger: logger, migrations: migrations)
        try Self.retryingWhileLocked(busyTimeout: options.busyTimeout) { try migrator.migrate() }
    }

    /// Opens an existing file read-only; a missing file is an error (nothing is created).
    private static func openReadOnly(path: String, configuration: Configuration, location: String) throws
        -> DatabasePool
    {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LedgerError.notFound(location)
        }
        do {
            return try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw map(error, location: location)
        }
    }

    /// Opens the WAL pool. Two processes creating the same fresh file race on switching it to WAL and
    /// on GRDB's first write in a savepoint; SQLite answers some of those races with `SQLITE_BUSY` at
    /// once, without consulting the busy handler, so a locked open is retried until the busy timeout.
    private static func openPool(
        path: String, configuration: Configuration, options: LedgerURL.SQLiteOptions, location: String
    ) throws -> DatabasePool {
        do {
            return try retryingWhileLocked(busyTimeout: options.busyTimeout) {
                try DatabasePool(path: path, configuration: configuration)
            }
        } catch {
            throw map(error, location: location)
        }
    }

    /// Runs `body` again (with a short, growing pause) while it fails with a lock error, until
    /// `busyTimeout` has elapsed; then the last error is thrown. Called on a dispatch thread only.
    static func retryingWhileLocked<T>(busyTimeout: Duration, _ body: () throws -> T) throws -> T {
        let deadline = ContinuousClock.now + busyTimeout
        var pause: Duration = .milliseconds(2)
        while true {
            do {
                return try body()
            } catch {
                guard isLockError(error), ContinuousClock.now + pause < deadline else { throw error }
                Thread.sleep(forTimeInterval: seconds(pause + .microseconds(Int.random(in: 0...1000))))
                pause = min(pause * 2, .milliseconds(100))
            }
        }
    }

    private static func isLockError(_ error: any Error) -> Bool {
        if case .locked = error as? LedgerError { return true }
        guard let databaseError = error as? DatabaseError else { return false }
        return databaseError.resultCode == .SQLITE_BUSY || databaseError.resultCode == .SQLITE_LOCKED
    }

    public func append(_ records: [AuditRecord]) async throws {
        guard !records.isEmpty else { return }
        try await write { db in
            var writer = try SQLiteRowWriter(db, sql: SQLiteRows.insertAuditSQL)
            for index in records.indices {  // by index: the rows are read in place, not copied
                SQLiteRows.bind(records[index], to: &writer)
                _ = try writer.step()
            }
        }
    }

    public func timeline(order orderKey: String) async throws -> [AuditRecord] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit_records WHERE order_key = ? ORDER BY time_us, id", arguments: [orderKey]
            ).map(SQLiteRows.auditRecord)
        }
    }

    public func search(_ query: AuditQuery) async throws -> [AuditRecord] {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if let since = query.since {
            clauses.append("time_us >= ?")
            arguments += [StorageCoding.microseconds(since)]
        }
        if let until = query.until {
            clauses.append("time_us < ?")
            arguments += [StorageCoding.microseconds(until)]
        }
        if !query.hops.isEmpty {
            let hops = query.hops.map(\.rawValue).sorted()
            clauses.append("hop IN (\(hops.map { _ in "?" }.joined(separator: ", ")))")
            arguments += StatementArguments(hops)
        }
        if let pattern = query.likePattern {
            clauses.append("order_key LIKE ? ESCAPE '\\'")
            arguments += [pattern]
        }
        if let channel = query.channel {
            clauses.append("channel = ?")
            arguments += [channel]
        }
        if let stage = query.stage {
            clauses.append("stage = ?")
            arguments += [stage]
        }
        switch query.status {
        case .any: break
        case .failed: clauses.append("failed = 1")
        case .ok: clauses.append("failed = 0")
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments += [max(query.limit, 0)]
        let sql = "SELECT * FROM audit_records \(whereClause) ORDER BY time_us DESC, id DESC LIMIT ?"
        let finalArguments = arguments
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: finalArguments).map(SQLiteRows.auditRecord).reversed()
        }
    }

    public func loadState(order orderKey: String, system: String) async throws -> OrderStateRecord? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM order_states WHERE order_key = ? AND system = ?", arguments: [orderKey, system]
            ).map(SQLiteRows.orderState)
        }
    }

    public func loadStates(orders orderKeys: [String]) async throws -> [OrderStateRecord] {
        let unique = Array(Set(orderKeys))
        guard !unique.isEmpty else { return [] }
        return try await read { db in
            var result: [OrderStateRecord] = []
            for chunk in stride(from: 0, to: unique.count, by: 500).map({
                Array(unique[$0..<min($0 + 500, unique.count)])
            }) {
                let marks = chunk.map { _ in "?" }.joined(separator: ", ")
                result += try Row.fetchAll(
                    db, sql: "SELECT * FROM order_states WHERE order_key IN (\(marks))",
                    arguments: StatementArguments(chunk)
                ).map(SQLiteRows.orderState)
            }
            return result
        }
    }

    @discardableResult
    public func saveStates(_ states: [OrderStateRecord], onlyIfNewer: Bool) async throws -> Int {
        guard !states.isEmpty else { return 0 }
        let sql = SQLiteRows.upsertStateSQL(onlyIfNewer: onlyIfNewer)
        return try await write { db in
            var writer = try SQLiteRowWriter(db, sql: sql)
            var written = 0
            for index in states.indices {
                SQLiteRows.bind(states[index], to: &writer)
                written += try writer.step()
            }
            return written
        }
    }

    public func purge(olderThan cutoff: Date) async throws -> LedgerPurgeResult {
        try await purge(LedgerPurgeCutoffs(all: cutoff))
    }

    public func purge(_ cutoffs: LedgerPurgeCutoffs) async throws -> LedgerPurgeResult {
        try await write { db in
            func micros(_ date: Date) -> Int64 { StorageCoding.microseconds(date) }
            var deleted: [String: Int] = [:]
            func delete(_ table: String, _ sql: String, _ arguments: StatementArguments) throws {
                try db.execute(sql: sql, arguments: arguments)
                deleted[table, default: 0] += db.changesCount
            }
            if let cutoff = cutoffs.auditRecords {
                try delete("audit_records", "DELETE FROM audit_records WHERE time_us < ?", [micros(cutoff)])
            }
            if let cutoff = cutoffs.closedCases {
                let closed = "state IN ('discarded', 'resolved') AND updated_us < ?"
                try delete(
                    "case_sources", "DELETE FROM case_sources WHERE case_id IN (SELECT id FROM cases WHERE \(closed))",
                    [micros(cutoff)])
                try delete("cases", "DELETE FROM cases WHERE \(closed)", [micros(cutoff)])
            }
            if let cutoff = cutoffs.reconcileFindings {
                try delete("reconcile_findings", "DELETE FROM reconcile_findings WHERE found_us < ?", [micros(cutoff)])
            }
            if let cutoff = cutoffs.reconcileRuns {
                try delete(
                    "checkpoints", "DELETE FROM checkpoints WHERE name LIKE ? AND position_us < ?",
                    [LedgerPurgeCutoffs.runCheckpointPattern, micros(cutoff)])
                try delete("reconcile_runs", "DELETE FROM reconcile_runs WHERE updated_us < ?", [micros(cutoff)])
            }
            return LedgerPurgeResult(deleted: deleted)
        }
    }

    public func schemaVersions() async throws -> [Int] {
        try await read { db in try Int.fetchAll(db, sql: "SELECT version FROM ledger_migrations ORDER BY version") }
    }

    public func close() async {
        do {
            if let pool = writer as? DatabasePool {
                try pool.close()
            } else if let queue = writer as? DatabaseQueue {
                try queue.close()
            }
        } catch {
            logger.warning("closing ledger failed", metadata: ["location": "\(location)", "error": "\(error)"])
        }
    }

    // MARK: Plumbing

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch {
            throw Self.map(error, location: location)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch {
            throw Self.map(error, location: location)
        }
    }

    static func map(_ error: any Error, location: String) -> any Error {
        if error is LedgerError || error is CancellationError || error is ReconcileLeaseFenced { return error }
        guard let databaseError = error as? DatabaseError else {
            return LedgerError.database(location, reason: "\(error)")
        }
        let message = databaseError.message ?? "\(databaseError.resultCode)"
        switch databaseError.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return LedgerError.locked(
                location, reason: "\(message) (another process holds the lock; busy timeout elapsed)")
        case .SQLITE_CANTOPEN, .SQLITE_NOTADB, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_CORRUPT:
            return LedgerError.cannotOpen(location, reason: message)
        case .SQLITE_TOOBIG, .SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_RANGE:
            return LedgerError.rejected(location, reason: message)
        default:
            return LedgerError.database(location, reason: message)
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval { duration.seconds }
}
