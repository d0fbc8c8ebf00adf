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

    /// Prepares `sql` on `db` (a fresh statement, so GRDB's cached statements are never touched).
    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
    }

    /// Binds the next parameter.
    mutating func bind(_ value: String?) {
        index += 1
        guard let value else {
            sqlite3_bind_null(statement.sqliteStatement, index)
            return
        }
        var text = value
        text.withUTF8 { utf8 in
            if let base = utf8.baseAddress {
                base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    _ = sqlite3_bind_text(statement.sqliteStatement, index, $0, Int32(utf8.count), Self.transient)
                }
            } else {
                _ = sqlite3_bind_text(statement.sqliteStatement, index, "", 0, Self.transient)
            }
        }
    }

    /// Binds the next parameter.
    mutating func bind(_ value: Int64?) {
        index += 1
        if let value {
            sqlite3_bind_int64(statement.sqliteStatement, index, value)
        } else {
            sqlite3_bind_null(statement.sqliteStatement, index)
        }
    }

    /// Runs the statement with the values bound since the last step; returns the rows it changed.
    mutating func step() throws -> Int {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            index = 0
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
