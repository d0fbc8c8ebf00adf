import GRDB
import GRDBSQLite

/// Executes one prepared INSERT/UPSERT many times in a write transaction, binding each row's
/// values straight to SQLite.
///
/// The audit trail and the translate stage's state rows are written a batch at a time on the hot
/// path; building GRDB `StatementArguments` (an array of boxed `DatabaseValueConvertible`s per row)
/// cost more than SQLite's own work there. Reads and everything else stay on GRDB's API. Values are
/// bound with `SQLITE_TRANSIENT` (SQLite copies them), so nothing outlives the call.
struct SQLiteRowWriter {
    private let db: Database
    private let statement: Statement
    private var index: Int32 = 0
    /// The first bind that failed since the last step (reported by `step()`, which then does not run).
    private var bindFailure: (code: Int32, parameter: Int32)?

    /// Prepares `sql` on `db` (a fresh statement, so GRDB's cached statements are never touched).
    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
    }

    /// Binds the next parameter.
    mutating func bind(_ value: String?) {
        index += 1
        guard let value else {
            check(sqlite3_bind_null(statement.sqliteStatement, index))
            return
        }
        var text = value
        let code = text.withUTF8 { utf8 -> Int32 in
            guard let base = utf8.baseAddress else {
                return sqlite3_bind_text(statement.sqliteStatement, index, "", 0, Self.transient)
            }
            guard let length = Int32(exactly: utf8.count) else { return SQLITE_TOOBIG }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                sqlite3_bind_text(statement.sqliteStatement, index, $0, length, Self.transient)
            }
        }
        check(code)
    }

    /// Binds the next parameter.
    mutating func bind(_ value: Int64?) {
        index += 1
        if let value {
            check(sqlite3_bind_int64(statement.sqliteStatement, index, value))
        } else {
            check(sqlite3_bind_null(statement.sqliteStatement, index))
        }
    }

    /// Keeps the first failed bind, so `step()` throws instead of writing a row with a value missing.
    private mutating func check(_ code: Int32) {
        if code != SQLITE_OK, bindFailure == nil { bindFailure = (code, index) }
    }

    /// Runs the statement with the values bound since the last step; returns the rows it changed.
    /// Throws when a bind or the step failed (nothing is written then).
    mutating func step() throws -> Int {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            index = 0
            bindFailure = nil
        }
        if let failure = bindFailure {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: failure.code),
                message: "binding parameter \(failure.parameter) failed", sql: statement.sql)
        }
        let code = sqlite3_step(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        return db.changesCount
    }

    /// SQLite's `SQLITE_TRANSIENT` (a macro Swift cannot import): SQLite copies the value.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
