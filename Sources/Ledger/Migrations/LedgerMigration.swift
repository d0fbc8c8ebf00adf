/// One versioned schema change, written once per backend.
///
/// To add a table (dead-letter cases, reconciliation findings, sent alerts): add one file with a
/// `static let` migration in an extension of this type and list it in ``LedgerMigration/all``.
/// Versions are applied in order, each in the same transaction as its row in `ledger_migrations`.
public struct LedgerMigration: Sendable {
    /// Strictly increasing, never reused.
    public let version: Int
    /// Short name, stored next to the version.
    public let name: String
    /// Statements for SQLite, run in order.
    public let sqlite: [String]
    /// Statements for PostgreSQL, run in order.
    public let postgres: [String]

    public init(version: Int, name: String, sqlite: [String], postgres: [String]) {
        self.version = version
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// Every migration, in version order.
    public static let all: [LedgerMigration] = [
        .v1AuditRecords,
        .v2OrderStates,
        .v3Checkpoints,
        .v4Cases,
        .v5Parking,
        .v6Reconciliation,
        .v7HoldGenerationsAndCaseIdentity,
        .v8Retention,
        .v9StageProcesses,
        .v10ReconcileLeaseGeneration,
    ]

    /// The newest version this build knows.
    public static var latestVersion: Int { all.last?.version ?? 0 }
}
