import Foundation
import PostgresNIO

extension PostgresLedgerStore {
    public func loadCheckpoint(_ name: String) async throws -> Date? {
        try await run("loadCheckpoint") { client, logger in
            var binds = PostgresBindings()
            binds.append(name)
            let sql = "SELECT position FROM checkpoints WHERE name = $1"
            for try await position in try await client.query(
                PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger
            )
            .decode(Date.self) {
                return position
            }
            return nil
        }
    }

    @discardableResult
    public func advanceCheckpoint(_ name: String, to position: Date) async throws -> Date {
        try await run("advanceCheckpoint") { client, logger in
            var binds = PostgresBindings()
            binds.append(name)
            binds.append(position)
            binds.append(Date.now)
            // The CTE's upsert and the outer read see the same snapshot, so the stored position is
            // the greater of the new one and the one read.
            let sql = """
                WITH moved AS (
                    INSERT INTO checkpoints (name, position, updated_at) VALUES ($1, $2, $3)
                    ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                    WHERE excluded.position > checkpoints.position
                    RETURNING position)
                SELECT position FROM moved UNION ALL SELECT position FROM checkpoints WHERE name = $1
                ORDER BY position DESC LIMIT 1
                """
            for try await stored in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode(Date.self)
            {
                return stored
            }
            return position
        }
    }
}
