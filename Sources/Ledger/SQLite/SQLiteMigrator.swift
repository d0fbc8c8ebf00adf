import Foundation
import GRDB
import Logging

/// Applies ``LedgerMigration``s to a SQLite database: one immediate transaction per open, so two
/// processes opening the same file serialise on SQLite's write lock.
struct SQLiteMigrator {
    let writer: any DatabaseWriter
    let location: String
    let logger: Logger
    /// What to apply (all of them outside tests of upgrades).
    var migrations = LedgerMigration.all

    func migrate() throws {
        do {
            try writer.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS ledger_migrations (
                            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_us INTEGER NOT NULL)
                        """)
                let applied = Set(try Int.fetchAll(db, sql: "SELECT version FROM ledger_migrations"))
                if let newest = applied.max(), newest > LedgerMigration.latestVersion {
                    logger.warning(
                        "ledger schema is newer than this build",
                        metadata: [
                            "location": "\(location)", "schema": "\(newest)",
                            "known": "\(LedgerMigration.latestVersion)",
                        ])
                }
                for migration in migrations where !applied.contains(migration.version) {
                    do {
                        for statement in migration.sqlite { try db.execute(sql: statement) }
                        try db.execute(
                            sql: "INSERT INTO ledger_migrations (version, name, applied_us) VALUES (?, ?, ?)",
                            arguments: [migration.version, migration.name, StorageCoding.microseconds(.now)])
                    } catch let error as DatabaseError
                        where error.resultCode != .SQLITE_BUSY && error.resultCode != .SQLITE_LOCKED
                    {
                        throw LedgerError.migrationFailed(
                            version: migration.version, reason: error.message ?? "\(error)")
                    }
                    logger.info(
                        "applied ledger migration",
                        metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                }
            }
        } catch {
            throw SQLiteLedgerStore.map(error, location: location)
        }
    }
}
