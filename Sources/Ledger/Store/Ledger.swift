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
