import Foundation
import PostgresNIO

/// Hold generations and the sweep's queries (migration 7) on PostgreSQL: a compare-and-set on the
/// generation is one statement (`UPDATE … WHERE generation = $n`); a release takes the hold's row
/// lock first, as `park` does.
extension PostgresLedgerStore {
    private static let holdColumns = """
        order_key, head_event_id, generation, since, updated_at, head_value, head_headers, head_topic,
            head_partition, head_offset
        """

    private typealias HoldRow = (String, String, Int64, Date, Date, ByteBuffer?, String?, String?, Int32?, Int64?)

    private static func orderHold(_ row: HoldRow, withHead: Bool) -> OrderHold {
        let (key, head, generation, since, updated, value, headers, topic, partition, offset) = row
        var hold = OrderHold(orderKey: key, headEventID: head, generation: generation, since: since, updated: updated)
        if withHead, let value, let topic {
            hold.head = ParkedEvent(
                orderKey: key, eventID: head, value: Array(buffer: value),
                headers: ParkedHeader.decode(headers ?? "[]"),
                sourceTopic: topic, sourcePartition: partition ?? 0, sourceOffset: offset ?? 0)
        }
        return hold
    }

    public func holdStates(orders: [String]) async throws -> [String: OrderHold] {
        guard !orders.isEmpty else { return [:] }
        return try await run("holdStates") { client, logger in
            var binds = PostgresBindings()
            binds.append(orders.map(StorageCoding.text))
            var holds: [String: OrderHold] = [:]
            let sql = "SELECT \(Self.holdColumns) FROM order_holds WHERE order_key = ANY($1)"
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode(HoldRow.self)
            {
                let hold = Self.orderHold(row, withHead: false)
                holds[hold.orderKey] = hold
            }
            return holds
        }
    }

    public func arm(order: String, head: ParkedEvent, expecting generation: Int64?) async throws -> Int64? {
        try await run("arm") { client, logger in
            var binds = PostgresBindings()
            binds.append(StorageCoding.text(order))
            binds.append(StorageCoding.text(head.eventID))
            binds.append(ByteBuffer(bytes: head.value))
            binds.append(StorageCoding.text(ParkedHeader.encode(head.headers)))
            binds.append(StorageCoding.text(head.sourceTopic))
            binds.append(head.sourcePartition)
            binds.append(head.sourceOffset)
            binds.append(Date.now)
            let sql: String
            if let generation {
                binds.append(generation)
                sql = """
                    UPDATE order_holds SET head_event_id = $2, head_value = $3, head_headers = $4, head_topic = $5,
                        head_partition = $6, head_offset = $7, updated_at = $8, generation = generation + 1
                    WHERE order_key = $1 AND generation = $9 RETURNING generation
                    """
            } else {
                sql = """
                    INSERT INTO order_holds (order_key, head_event_id, head_value, head_headers, head_topic,
                        head_partition, head_offset, since, updated_at, generation)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1)
                    ON CONFLICT (order_key) DO UPDATE SET head_event_id = excluded.head_event_id,
                        head_value = excluded.head_value, head_headers = excluded.head_headers,
                        head_topic = excluded.head_topic, head_partition = excluded.head_partition,
                        head_offset = excluded.head_offset, updated_at = excluded.updated_at,
                        generation = order_holds.generation + 1
                    RETURNING generation
                    """
            }
            for try await armed in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode(Int64.self)
            {
                return armed
            }
            return nil
        }
    }

    public func confirm(order: String, generation: Int64) async throws -> Bool {
        try await run("confirm") { client, logger in
            var binds = PostgresBindings()
            binds.append(StorageCoding.text(order))
            binds.append(generation)
            binds.append(Date.now)
            let sql = "UPDATE order_holds SET updated_at = $3 WHERE order_key = $1 AND generation = $2 RETURNING 1"
            var confirmed = false
            for try await _ in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode(Int32.self)
            {
                confirmed = true
            }
            return confirmed
        }
    }

    public func release(order: String, generation: Int64) async throws -> Bool? {
        try await run("releaseGeneration") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                var binds = PostgresBindings()
                binds.append(StorageCoding.text(order))
                var current: Int64?
                for try await value in try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "SELECT generation FROM order_holds WHERE order_key = $1 FOR UPDATE", binds: binds),
                    logger: logger
                ).decode(Int64.self) {
                    current = value
                }
                guard current == generation else { return nil }
                return try await Self.deleteHoldUnlessParked(on: connection, binds: binds, logger: logger)
            }
        }
    }

    public func forgetHead(order: String, generation: Int64) async throws {
        try await run("forgetHead") { client, logger in
            var binds = PostgresBindings()
            binds.append(StorageCoding.text(order))
            binds.append(generation)
            binds.append(Date(timeIntervalSince1970: 0))
            let sql = """
                UPDATE order_holds SET head_value = NULL, head_headers = NULL, head_topic = NULL, head_partition = NULL,
                    head_offset = NULL, updated_at = $3
                WHERE order_key = $1 AND generation = $2
                """
            try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    public func staleHolds(updatedBefore before: Date, limit: Int) async throws -> [OrderHold] {
        try await run("staleHolds") { client, logger in
            var binds = PostgresBindings()
            binds.append(before)
            binds.append(Int64(max(1, limit)))
            let sql = "SELECT \(Self.holdColumns) FROM order_holds WHERE updated_at < $1 ORDER BY updated_at LIMIT $2"
            var holds: [OrderHold] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode(HoldRow.self)
            {
                holds.append(Self.orderHold(row, withHead: true))
            }
            return holds
        }
    }

    public func oldestHoldSince() async throws -> Date? {
        try await run("oldestHoldSince") { client, logger in
            for try await since in try await client.query("SELECT min(since) FROM order_holds", logger: logger)
                .decode(Date?.self)
            {
                return since
            }
            return nil
        }
    }

    public func claim(order: String, expecting generation: Int64) async throws -> Int64? {
        try await run("claim") { client, logger in
            var binds = PostgresBindings()
            binds.append(StorageCoding.text(order))
            binds.append(generation)
            binds.append(Date.now)
            let sql = """
                UPDATE order_holds SET generation = generation + 1, updated_at = $3
                WHERE order_key = $1 AND generation = $2 RETURNING generation
                """
            for try await claimed in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode(Int64.self)
            {
                return claimed
            }
            return nil
        }
    }
}
