import Foundation
import Logging
import PostgresNIO

/// The shared ledger: PostgreSQL through a PostgresNIO `PostgresClient` connection pool.
///
/// ``open(options:logger:runsClient:)`` first connects once (bounded by the connect timeout) to fail
/// fast on bad addresses or credentials and to run migrations. The pool's `run()` then runs either in
/// a task the store owns and cancels on ``close()`` (commands, tests), or — with `runsClient: false` —
/// in ``runClient()``, which a long-lived process runs as a service of its group.
public final class PostgresLedgerStore: LedgerStore {
    public let location: String
    let client: PostgresClient
    let runTask: Task<Void, Never>?
    let options: LedgerURL.PostgresOptions
    let logger: Logger

    /// Most audit rows per INSERT statement (18 binds each, PostgreSQL allows 65535).
    static let auditRowsPerStatement = 1000
    /// Most state rows per upsert statement.
    static let stateRowsPerStatement = 1000

    private init(client: PostgresClient, options: LedgerURL.PostgresOptions, logger: Logger, runsClient: Bool) {
        self.client = client
        self.options = options
        self.logger = logger
        self.location = options.redacted
        self.runTask = runsClient ? Task { await client.run() } : nil
    }

    /// Connects, migrates and starts the pool (in a task of its own unless `runsClient` is false:
    /// then the caller runs ``runClient()``). With `readOnly` no migration runs; a database without
    /// the ledger's tables is ``LedgerError/notFound(_:)``.
    public static func open(
        options: LedgerURL.PostgresOptions, logger: Logger, runsClient: Bool = true, readOnly: Bool = false
    ) async throws -> PostgresLedgerStore {
        let location = options.redacted
        let connection: PostgresConnection
        do {
            connection = try await withDeadline(options.connectTimeout + .seconds(1), "connect to \(location)") {
                try await PostgresConnection.connect(
                    configuration: try connectionConfiguration(options), id: 1, logger: logger)
            }
        } catch {
            throw PostgresErrorMapping.map(error, location: location)
        }
        do {
            if readOnly {
                let exists = try await withDeadline(options.operationTimeout, "schema check") {
                    try await PostgresMigrator(options: options, logger: logger).hasLedgerSchema(on: connection)
                }
                guard exists else { throw LedgerError.notFound(location) }
            } else {
                try await withDeadline(options.operationTimeout, "migrations") {
                    try await PostgresMigrator(options: options, logger: logger).migrate(on: connection)
                }
            }
        } catch {
            try? await connection.close()
            throw PostgresErrorMapping.map(error, location: location)
        }
        try? await connection.close()
        return PostgresLedgerStore(
            client: PostgresClient(configuration: try clientConfiguration(options), backgroundLogger: logger),
            options: options, logger: logger, runsClient: runsClient)
    }

    /// Runs the connection pool until the calling task is cancelled (for a store opened with
    /// `runsClient: false`; requests wait until it runs).
    public func runClient() async {
        await client.run()
    }

    public func append(_ records: [AuditRecord]) async throws {
        guard !records.isEmpty else { return }
        let chunks = stride(from: 0, to: records.count, by: Self.auditRowsPerStatement).map {
            Array(records[$0..<min($0 + Self.auditRowsPerStatement, records.count)])
        }
        try await run("append") { client, logger in
            if chunks.count == 1 {
                // One statement is atomic by itself: no BEGIN/COMMIT round trips.
                for try await _ in try await client.query(try PostgresRows.insertAudit(records), logger: logger) {}
                return
            }
            try await client.withTransaction(logger: logger) { connection in
                for chunk in chunks {
                    try await connection.query(try PostgresRows.insertAudit(chunk), logger: logger)
                }
            }
        }
    }

    public func timeline(order orderKey: String) async throws -> [AuditRecord] {
        try await run("timeline") { client, logger in
            let rows = try await client.query(
                PostgresQuery(
                    unsafeSQL: PostgresRows.selectAudit + " WHERE order_key = $1 ORDER BY time, id",
                    binds: Self.binds(orderKey)),
                logger: logger)
            var result: [AuditRecord] = []
            for try await row in rows { result.append(try PostgresRows.auditRecord(row)) }
            return result
        }
    }

    public func search(_ query: AuditQuery) async throws -> [AuditRecord] {
        var clauses: [String] = []
        var binds = PostgresBindings()
        func placeholder() -> String { "$\(binds.count)" }
        if let since = query.since {
            binds.append(since)
            clauses.append("time >= \(placeholder())")
        }
        if let until = query.until {
            binds.append(until)
            clauses.append("time < \(placeholder())")
        }
        if !query.hops.isEmpty {
            var marks: [String] = []
            for hop in query.hops.map(\.rawValue).sorted() {
                binds.append(hop)
                marks.append(placeholder())
            }
            clauses.append("hop IN (\(marks.joined(separator: ", ")))")
        }
        if let pattern = query.likePattern {
            binds.append(pattern)
            clauses.append("order_key LIKE \(placeholder()) ESCAPE '\\'")
        }
        if let channel = query.channel {
            binds.append(channel)
            clauses.append("channel = \(placeholder())")
        }
        if let stage = query.stage {
            binds.append(stage)
            clauses.append("stage = \(placeholder())")
        }
        switch query.status {
        case .any: break
        case .failed: clauses.append("failed")
        case .ok: clauses.append("NOT failed")
        }
        binds.append(Int64(max(query.limit, 0)))
        let whereClause = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let sql = PostgresRows.selectAudit + whereClause + " ORDER BY time DESC, id DESC LIMIT \(placeholder())"
        let finalBinds = binds
        return try await run("search") { client, logger in
            var result: [AuditRecord] = []
            for try await row in try await client.query(
                PostgresQuery(unsafeSQL: sql, binds: finalBinds), logger: logger)
            {
                result.append(try PostgresRows.auditRecord(row))
            }
            return result.reversed()
        }
    }

    public func loadState(order orderKey: String, system: String) async throws -> OrderStateRecord? {
        try await run("loadState") { client, logger in
            var binds = PostgresBindings()
            binds.append(orderKey)
            binds.append(system)
            let sql = "SELECT \(PostgresRows.stateColumns) FROM order_states WHERE order_key = $1 AND system = $2"
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                return try PostgresRows.orderState(row)
            }
            return nil
        }
    }

    public func loadStates(orders orderKeys: [String]) async throws -> [OrderStateRecord] {
        let unique = Array(Set(orderKeys))
        guard !unique.isEmpty else { return [] }
        return try await run("loadStates") { client, logger in
            var binds = PostgresBindings()
            binds.append(unique)
            let sql = "SELECT \(PostgresRows.stateColumns) FROM order_states WHERE order_key = ANY($1)"
            var result: [OrderStateRecord] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                result.append(try PostgresRows.orderState(row))
            }
            return result
        }
    }

    @discardableResult
    public func saveStates(_ states: [OrderStateRecord], onlyIfNewer: Bool) async throws -> Int {
        // One statement cannot touch a row twice: keep one record per key (the newest, or the last).
        var chosen: [OrderStateKey: OrderStateRecord] = [:]
        var order: [OrderStateKey] = []
        for state in states {
            if let existing = chosen[state.key] {
                if !onlyIfNewer || state.version > existing.version { chosen[state.key] = state }
            } else {
                chosen[state.key] = state
                order.append(state.key)
            }
        }
        let unique = order.compactMap { chosen[$0] }
        guard !unique.isEmpty else { return 0 }
        // The count must be what SQLite reports for the same input: the rows that applying `states`
        // one by one would write. Without the guard that is every row; with it and one row per key
        // it is the rows the upsert returns; with several rows of a key it needs the stored versions,
        // read (and locked, in key order) in the same transaction before the upsert.
        let needsStored = onlyIfNewer && unique.count < states.count
        let keys = order
        return try await run("saveStates") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                var stored: [OrderStateKey: Int64] = [:]
                if needsStored {
                    for try await (key, system, version) in try await connection.query(
                        PostgresRows.lockStoredVersions(keys), logger: logger
                    ).decode((String, String, Int64).self) {
                        stored[OrderStateKey(orderKey: key, system: system)] = version
                    }
                }
                var written: [OrderStateKey] = []
                for start in stride(from: 0, to: unique.count, by: Self.stateRowsPerStatement) {
                    let chunk = Array(unique[start..<min(start + Self.stateRowsPerStatement, unique.count)])
                    for try await (key, system) in try await connection.query(
                        PostgresRows.upsertStates(chunk, onlyIfNewer: onlyIfNewer), logger: logger
                    ).decode((String, String).self) {
                        written.append(OrderStateKey(orderKey: key, system: system))
                    }
                }
                guard onlyIfNewer else { return states.count }
                guard needsStored else { return written.count }
                return SequentialSaveCount.count(states, stored: stored, written: Set(written))
            }
        }
    }

    public func purge(olderThan cutoff: Date) async throws -> LedgerPurgeResult {
        try await purge(LedgerPurgeCutoffs(all: cutoff))
    }

    public func purge(_ cutoffs: LedgerPurgeCutoffs) async throws -> LedgerPurgeResult {
        var statements: [(table: String, sql: String, cutoff: Date)] = []
        if let cutoff = cutoffs.auditRecords {
            statements.append(("audit_records", "DELETE FROM audit_records WHERE time < $1", cutoff))
        }
        if let cutoff = cutoffs.closedCases {
            let closed = "state IN ('discarded', 'resolved') AND updated_at < $1"
            statements.append(
                (
                    "case_sources", "DELETE FROM case_sources WHERE case_id IN (SELECT id FROM cases WHERE \(closed))",
                    cutoff
                ))
            statements.append(("cases", "DELETE FROM cases WHERE \(closed)", cutoff))
        }
        if let cutoff = cutoffs.reconcileFindings {
            statements.append(("reconcile_findings", "DELETE FROM reconcile_findings WHERE found_at < $1", cutoff))
        }
        if let cutoff = cutoffs.reconcileRuns {
            statements.append(
                (
                    "checkpoints",
                    "DELETE FROM checkpoints WHERE name LIKE '\(LedgerPurgeCutoffs.runCheckpointPattern)' AND position < $1",
                    cutoff
                ))
            statements.append(("reconcile_runs", "DELETE FROM reconcile_runs WHERE updated_at < $1", cutoff))
        }
        let planned = statements
        return try await run("purge") { client, logger in
            var deleted: [String: Int] = [:]
            for statement in planned {
                var binds = PostgresBindings()
                binds.append(statement.cutoff)
                let sql = "WITH gone AS (\(statement.sql) RETURNING 1) SELECT count(*) FROM gone"
                for try await count in try await client.query(
                    PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger
                )
                .decode(Int64.self) {
                    deleted[statement.table, default: 0] += Int(count)
                }
            }
            return LedgerPurgeResult(deleted: deleted)
        }
    }

    public func schemaVersions() async throws -> [Int] {
        try await run("schemaVersions") { client, logger in
            var versions: [Int] = []
            for try await version in try await client.query(
                "SELECT version FROM ledger_migrations ORDER BY version", logger: logger
            )
            .decode(Int32.self) {
                versions.append(Int(version))
            }
            return versions
        }
    }

    /// Stops the pool when the store runs it; a pool run by ``runClient()`` ends with that task.
    public func close() async {
        runTask?.cancel()
        await runTask?.value
    }

    // MARK: Plumbing

    /// Runs one operation against the pool, bounded by the operation timeout, mapping errors.
    func run<T: Sendable>(
        _ what: String, _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T
    ) async throws -> T {
        let client = self.client
        let logger = self.logger
        do {
            return try await withDeadline(options.operationTimeout, what) { try await body(client, logger) }
        } catch {
            throw PostgresErrorMapping.map(error, location: location)
        }
    }

    private static func binds(_ values: String...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }

    static func connectionConfiguration(_ options: LedgerURL.PostgresOptions) throws -> PostgresConnection.Configuration
    {
        let tls: PostgresConnection.Configuration.TLS
        switch options.sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: options.host, port: options.port, username: options.username, password: options.password,
            database: options.database, tls: tls)
        configuration.options.connectTimeout = .nanoseconds(Int64(options.connectTimeout.seconds * 1e9))
        configuration.options.additionalStartupParameters = startupParameters(options)
        return configuration
    }

    static func clientConfiguration(_ options: LedgerURL.PostgresOptions) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch options.sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: options.host, port: options.port, username: options.username, password: options.password,
            database: options.database, tls: tls)
        configuration.options.connectTimeout = options.connectTimeout
        configuration.options.maximumConnections = options.maxConnections
        configuration.options.additionalStartupParameters = startupParameters(options)
        return configuration
    }

    private static func startupParameters(_ options: LedgerURL.PostgresOptions) -> [(String, String)] {
        var parameters = [("application_name", "driftless")]
        if options.schema != "public" { parameters.append(("search_path", options.schema)) }
        return parameters
    }
}
