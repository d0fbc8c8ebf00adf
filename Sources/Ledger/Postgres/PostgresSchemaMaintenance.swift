import Logging
import PostgresNIO

extension PostgresLedgerStore {
    /// Drops the ledger schema named by `url`'s `schema=` parameter with everything in it — for test
    /// clean-up and throw-away environments. Refuses the `public` schema.
    public static func dropSchema(url: String, logger: Logger = Logger(label: "driftless.ledger")) async throws {
        guard case let .postgres(options) = try LedgerURL.parse(url) else {
            throw LedgerError.invalidURL(url, reason: "not a postgres:// URL")
        }
        guard options.schema != "public" else {
            throw LedgerError.invalidArgument("refusing to drop the public schema; name one with ?schema=")
        }
        do {
            let connection = try await withDeadline(
                options.connectTimeout + .seconds(1), "connect to \(options.redacted)"
            ) {
                try await PostgresConnection.connect(
                    configuration: try connectionConfiguration(options), id: 1, logger: logger)
            }
            defer { Task { try? await connection.close() } }
            try await connection.query(
                PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(options.schema)\" CASCADE"), logger: logger)
        } catch {
            throw PostgresErrorMapping.map(error, location: options.redacted)
        }
    }
}
