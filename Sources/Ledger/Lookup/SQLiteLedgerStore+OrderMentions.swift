import Foundation
import GRDB

extension SQLiteLedgerStore: OrderMentionStore {
    public func orderKeys(mentioning identifier: String, limit: Int) async throws -> [String] {
        let trimmed = identifier.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        return try await read { db in
            try String.fetchAll(
                db, sql: OrderMentionSQL.query { _ in "?" },
                arguments: [
                    OrderMentionSQL.quotedPattern(trimmed), trimmed, trimmed, OrderMentionSQL.lastWordPattern(trimmed),
                    max(1, limit),
                ])
        }
    }
}
