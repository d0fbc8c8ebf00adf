import Foundation
import Logging
import PostgresNIO

/// Applies ``LedgerMigration``s to PostgreSQL on one dedicated connection, inside one transaction that
/// first takes a transaction-scoped advisory lock — so processes opening at the same time queue up and
/// the second one finds everything applied.
struct PostgresMigrator {
    /// First half of the advisory lock key: "DRFT".
    static let lockNamespace: Int32 = 0x4452_4654

    let options: LedgerURL.PostgresOptions
    let logger: Logger

    func migrate(on connection: PostgresConnection) async throws {
        let schema = options.schema
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(Self.lockNamespace), \(Self.lockKey(schema: schema)))", logger: logger)
            if schema != "public" {
                try await connection.query(
                    PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
            }
            try await connection.query("SELECT set_config('search_path', \(schema), true)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS ledger_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM ledger_migrations", logger: logger)
                .decode(Int32.self)
            {
                applied.insert(Int(version))
            }
            if let newest = applied.max(), newest > LedgerMigration.latestVersion {
                logger.warning(
                    "ledger schema is newer than this build",
                    metadata: [
                        "schema": "\(newest)", "known": "\(LedgerMigration.latestVersion)",
                    ])
            }
            for migration in LedgerMigration.all where !applied.contains(migration.version) {
                do {
                    for statement in migration.postgres {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                } catch {
                    let mapped = PostgresErrorMapping.map(error, location: options.redacted)
                    throw LedgerError.migrationFailed(version: migration.version, reason: "\(mapped)")
                }
                let version = Int32(migration.version)
                try await connection.query(
                    "INSERT INTO ledger_migrations (version, name) VALUES (\(version), \(migration.name))",
                    logger: logger)
                logger.info(
                    "applied ledger migration",
                    metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }

    /// Whether the ledger's tables exist in the schema (a read-only open creates nothing).
    func hasLedgerSchema(on connection: PostgresConnection) async throws -> Bool {
        let table = "\(options.schema).ledger_migrations"
        for try await exists in try await connection.query(
            "SELECT to_regclass(\(table)) IS NOT NULL", logger: logger
        ).decode(Bool.self) {
            return exists
        }
        return false
    }

    /// Second half of the advisory lock key: a stable FNV-1a hash of the schema name.
    static func lockKey(schema: String) -> Int32 {
        var hash: UInt32 = 2_166_136_261
        for byte in schema.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int32(bitPattern: hash)
    }
}
