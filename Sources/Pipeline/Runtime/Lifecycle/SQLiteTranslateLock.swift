import Foundation
import Ledger

#if canImport(Glibc)
    import Glibc
#endif

/// Refuses a second translate replica on one SQLite ledger file.
///
/// Translate's read-plan-save of order states is safe across replicas only with PostgreSQL (rows
/// locked in the save's transaction; see `StateSaver`); SQLite is the single-process default. The
/// lock is an exclusive `flock` on `<ledger>.translate.lock` beside the database, taken without
/// waiting when a translate stage starts and held until the runtime closes (or the process dies:
/// the kernel drops it, so no stale lock survives a crash).
final class SQLiteTranslateLock: Sendable {
    let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock for the SQLite ledger `ledgerURL`; nil for PostgreSQL or an in-memory ledger.
    /// - Throws: ``PipelineRuntimeError/sqliteLedgerShared(path:)`` when another translate replica
    ///   holds it.
    static func acquire(ledgerURL: String) throws -> SQLiteTranslateLock? {
        guard case .sqlite(let options) = try? LedgerURL.parse(ledgerURL), let database = options.path else {
            return nil
        }
        let path = database + ".translate.lock"
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        // Cannot create it (read-only directory, …): opening the ledger reports the real problem.
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw PipelineRuntimeError.sqliteLedgerShared(path: database)
        }
        return SQLiteTranslateLock(path: path, descriptor: descriptor)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
