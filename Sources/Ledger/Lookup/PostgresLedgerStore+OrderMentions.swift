import Foundation
import PostgresNIO

extension PostgresLedgerStore: OrderMentionStore {
    public func orderKeys(mentioning identifier: String, limit: Int) async throws -> [String] {
        let trimmed = identifier.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        return try await run("orderKeysMentioning") { client, logger in
            var binds = PostgresBindings()
            binds.append(OrderMentionSQL.quotedPattern(trimmed))
            binds.append(trimmed)
            binds.append(OrderMentionSQL.lastWordPattern(trimmed))
            binds.append(Int64(max(1, limit)))
            var keys: [String] = []
            for try await key in try await client.query(
                PostgresQuery(unsafeSQL: OrderMentionSQL.query { "$\($0)" }, binds: binds), logger: logger
            ).decode(String.self) {
                keys.append(key)
            }
            return keys
        }
    }
}
