import Foundation

/// Test support for the ledger suites: which PostgreSQL to use, temporary SQLite files, schemas.
///
/// PostgreSQL tests read `DRIFTLESS_TEST_POSTGRES_URL` (start one with `scripts/test-postgres`).
/// When it is unset they must fail with ``LedgerTestServices/missingPostgresMessage``, unless
/// `DRIFTLESS_ALLOW_MISSING_SERVICES=1`, in which case they skip with that reason.
public enum LedgerTestServices {
    /// What a PostgreSQL test should do.
    public enum PostgresAvailability: Sendable, Equatable {
        /// Run against this URL.
        case available(url: String)
        /// Report as skipped with this reason (missing services allowed).
        case skip(reason: String)
        /// Fail with this message.
        case fail(message: String)
    }

    public static let postgresVariable = "DRIFTLESS_TEST_POSTGRES_URL"
    public static let allowMissingVariable = "DRIFTLESS_ALLOW_MISSING_SERVICES"

    public static let missingPostgresMessage =
        "\(postgresVariable) is not set: start PostgreSQL with `export \(postgresVariable)=$(scripts/test-postgres)` "
        + "(or set \(allowMissingVariable)=1 to skip PostgreSQL tests)."

    /// Decides from the environment.
    public static func postgres(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> PostgresAvailability
    {
        if let url = environment[postgresVariable], !url.isEmpty { return .available(url: url) }
        if environment[allowMissingVariable] == "1" {
            return .skip(
                reason: "\(postgresVariable) unset and \(allowMissingVariable)=1: PostgreSQL ledger tests skipped")
        }
        return .fail(message: missingPostgresMessage)
    }

    /// A fresh, lower-case schema name, unique per call (`t_<prefix>_<random>`).
    public static func uniqueSchemaName(prefix: String = "ledger") -> String {
        let random = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let cleanPrefix = prefix.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }
        return "t_\(cleanPrefix)_\(random)"
    }

    /// `url` with `name=value` added to its query.
    public static func adding(_ name: String, _ value: String, to url: String) -> String {
        url + (url.contains("?") ? "&" : "?") + "\(name)=\(value)"
    }

    /// A fresh directory under the system temporary directory; delete it in tearDown.
    public static func makeTemporaryDirectory(prefix: String = "driftless-ledger") throws -> URL {
        try TemporaryFiles(prefix: prefix).directory
    }
}
