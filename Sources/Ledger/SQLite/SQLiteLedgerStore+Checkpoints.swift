import Foundation
import GRDB

extension SQLiteLedgerStore {
    public func loadCheckpoint(_ name: String) async throws -> Date? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT position_us FROM checkpoints WHERE name = ?", arguments: [name])
                .map(StorageCoding.date(microseconds:))
        }
    }

    @discardableResult
    public func advanceCheckpoint(_ name: String, to position: Date) async throws -> Date {
        let micros = StorageCoding.microseconds(position)
        let now = StorageCoding.microseconds(.now)
        return try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO checkpoints (name, position_us, updated_us) VALUES (?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET position_us = excluded.position_us, updated_us = excluded.updated_us
                    WHERE excluded.position_us > checkpoints.position_us
                    """,
                arguments: [name, micros, now])
            let stored = try Int64.fetchOne(
                db, sql: "SELECT position_us FROM checkpoints WHERE name = ?", arguments: [name])
            return StorageCoding.date(microseconds: stored ?? micros)
        }
    }
}
