import Foundation
import Logging

/// Entry point of the ledger module: open a store from a URL.
public enum Ledger {
    /// Environment variable holding the ledger URL for commands and services.
    public static let urlEnvironmentVariable = "DRIFTLESS_LEDGER_URL"

    /// Opens the store a URL names, applying pending migrations:
    /// `sqlite:///abs/path.db`, `sqlite://./relative.db`, `sqlite::memory:`, `postgres://user:pass@host:port/db`.
    /// Throws ``LedgerError`` for malformed URLs, unreachable servers (after the connect timeout),
    /// rejected credentials and locked files (after the busy timeout).
    public static func open(url: String, logger: Logger = Logger(label: "driftless.ledger")) async throws
        -> any LedgerStore
    {
        try await open(LedgerURL.parse(url), logger: logger)
    }

    /// Opens the store for a parsed URL.
    public static func open(_ url: LedgerURL, logger: Logger = Logger(label: "driftless.ledger")) async throws
        -> any LedgerStore
    {
        switch url {
        case let .sqlite(options):
            return try await SQLiteLedgerStore.open(options: options, logger: logger)
        case let .postgres(options):
            return try await PostgresLedgerStore.open(options: options, logger: logger)
        }
    }

    /// Opens an existing ledger for reading (`driftless trace`, `dlq list`, …): nothing is created and
    /// no migration runs. A SQLite file that does not exist is ``LedgerError/notFound(_:)``; a
    /// PostgreSQL database without the ledger's tables is too.
    public static func openReadOnly(url: String, logger: Logger = Logger(label: "driftless.ledger")) async throws
        -> any LedgerStore
    {
        switch try LedgerURL.parse(url) {
        case let .sqlite(options):
            return try await SQLiteLedgerStore.open(options: options, logger: logger, readOnly: true)
        case let .postgres(options):
            return try await PostgresLedgerStore.open(options: options, logger: logger, readOnly: true)
        }
    }

    /// Opens the store for a long-lived process: also returns the store's background work (the
    /// PostgreSQL connection pool) for the process to run as a service until it shuts down; nil for
    /// SQLite, which has none.
    public static func openForService(url: String, logger: Logger = Logger(label: "driftless.ledger")) async throws
        -> (store: any LedgerStore, background: (@Sendable () async -> Void)?)
    {
        switch try LedgerURL.parse(url) {
        case let .sqlite(options):
            return (try await SQLiteLedgerStore.open(options: options, logger: logger), nil)
        case let .postgres(options):
            let store = try await PostgresLedgerStore.open(options: options, logger: logger, runsClient: false)
            return (store, { await store.runClient() })
        }
    }

    /// The URL to use: an explicit one, else `DRIFTLESS_LEDGER_URL`, else ``LedgerURL/defaultURLString``.
    public static func resolveURL(
        explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment[urlEnvironmentVariable], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return LedgerURL.defaultURLString
    }
}
