/// Everything that can go wrong opening or using a ledger, with a message fit for an operator.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ledger URL cannot be used.
    case invalidURL(String, reason: String)
    /// The database server cannot be reached within the connect timeout.
    case unreachable(String, reason: String)
    /// The server refused the credentials.
    case authenticationFailed(String, reason: String)
    /// The database file is locked by another process (busy timeout elapsed).
    case locked(String, reason: String)
    /// The file or database cannot be opened (missing directory, not a database, …).
    case cannotOpen(String, reason: String)
    /// A read-only open found no ledger there (read-only commands never create one).
    case notFound(String)
    /// Applying a schema migration failed.
    case migrationFailed(version: Int, reason: String)
    /// An operation did not finish within its timeout.
    case timeout(String, seconds: Double)
    /// Any other database error.
    case database(String, reason: String)
    /// The database refuses the data itself (a value it cannot store, a constraint): retrying the
    /// same rows cannot succeed.
    case rejected(String, reason: String)
    /// The store or writer was closed.
    case closed(String)
    /// A command-line or API argument cannot be used (durations, times, limits).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .invalidURL(url, reason): return "invalid ledger URL '\(url)': \(reason)"
        case let .unreachable(location, reason): return "ledger database unreachable at \(location): \(reason)"
        case let .authenticationFailed(location, reason):
            return "ledger authentication failed at \(location): \(reason)"
        case let .locked(location, reason): return "ledger database is locked: \(location): \(reason)"
        case let .cannotOpen(location, reason): return "cannot open ledger \(location): \(reason)"
        case let .notFound(location):
            return "no ledger at \(location) (read-only commands never create one; "
                + "give --ledger URL or set \(Ledger.urlEnvironmentVariable))"
        case let .migrationFailed(version, reason): return "ledger migration \(version) failed: \(reason)"
        case let .timeout(what, seconds): return "ledger \(what) timed out after \(seconds)s"
        case let .database(location, reason): return "ledger database error at \(location): \(reason)"
        case let .rejected(location, reason): return "ledger database at \(location) refused the rows: \(reason)"
        case let .closed(location): return "ledger \(location) is closed"
        case let .invalidArgument(message): return message
        }
    }
}
