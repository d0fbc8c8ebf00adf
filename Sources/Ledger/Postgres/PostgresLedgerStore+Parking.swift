import Foundation
import PostgresNIO

extension PostgresLedgerStore: ParkingStore {
    public func holds(orders: [String]) async throws -> [String: String] {
        guard !orders.isEmpty else { return [:] }
        return try await run("holds") { client, logger in
            var binds = PostgresBindings()
            binds.append(orders.map(StorageCoding.text))
            var holds: [String: String] = [:]
            let sql = "SELECT order_key, head_event_id FROM order_holds WHERE order_key = ANY($1)"
            for try await (key, head) in try await client.query(
                PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger
            ).decode((String, String).self) {
                holds[key] = head
            }
            return holds
        }
    }

    public func hold(order: String, headEventID: String) async throws {
        try await run("hold") { client, logger in
            var binds = PostgresBindings()
            binds.append(StorageCoding.text(order))
            binds.append(StorageCoding.text(headEventID))
            binds.append(Date.now)
            let sql = """
                INSERT INTO order_holds (order_key, head_event_id, since, updated_at, generation)
                VALUES ($1, $2, $3, $3, 1)
                ON CONFLICT (order_key) DO UPDATE SET head_event_id = excluded.head_event_id,
                    updated_at = excluded.updated_at, generation = order_holds.generation + 1, head_value = NULL,
                    head_headers = NULL, head_topic = NULL, head_partition = NULL, head_offset = NULL
                """
            try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    public func park(_ event: ParkedEvent) async throws -> Bool {
        try await run("park") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                // The hold's row lock serialises this with `release`, which takes it first too.
                var lock = PostgresBindings()
                lock.append(StorageCoding.text(event.orderKey))
                var held = false
                for try await _ in try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT 1 FROM order_holds WHERE order_key = $1 FOR UPDATE", binds: lock),
                    logger: logger
                ).decode(Int32.self) {
                    held = true
                }
                guard held else { return false }
                var binds = PostgresBindings()
                binds.append(StorageCoding.text(event.orderKey))
                binds.append(StorageCoding.text(event.eventID))
                binds.append(ByteBuffer(bytes: event.value))
                binds.append(StorageCoding.text(ParkedHeader.encode(event.headers)))
                binds.append(StorageCoding.text(event.sourceTopic))
                binds.append(event.sourcePartition)
                binds.append(event.sourceOffset)
                binds.append(event.parkedAt)
                let sql = """
                    INSERT INTO parked_events (order_key, event_id, value, headers, source_topic, source_partition,
                        source_offset, parked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    """
                try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                return true
            }
        }
    }

    public func parked(order: String, limit: Int) async throws -> [ParkedEvent] {
        try await run("parked") { client, logger in
            var binds = PostgresBindings()
            binds.append(StorageCoding.text(order))
            binds.append(Int64(max(1, limit)))
            let sql = """
                SELECT id, order_key, event_id, value, headers, source_topic, source_partition, source_offset,
                    parked_at FROM parked_events WHERE order_key = $1 ORDER BY id LIMIT $2
                """
            var events: [ParkedEvent] = []
            for try await (id, key, eventID, value, headers, topic, partition, offset, parkedAt)
                in try await client
                .query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode((Int64, String, String, ByteBuffer, String, String, Int32, Int64, Date).self)
            {
                events.append(
                    ParkedEvent(
                        id: id, orderKey: key, eventID: eventID, value: Array(buffer: value),
                        headers: ParkedHeader.decode(headers), sourceTopic: topic, sourcePartition: partition,
                        sourceOffset: offset, parkedAt: parkedAt))
            }
            return events
        }
    }

    public func unpark(id: Int64) async throws {
        try await run("unpark") { client, logger in
            var binds = PostgresBindings()
            binds.append(id)
            try await client.query(
                PostgresQuery(unsafeSQL: "DELETE FROM parked_events WHERE id = $1", binds: binds), logger: logger)
        }
    }

    public func release(order: String) async throws -> Bool {
        try await run("release") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                var binds = PostgresBindings()
                binds.append(StorageCoding.text(order))
                // Take the hold's row lock first (a `park` in progress finishes before), then look for
                // parked rows with a fresh snapshot (read committed: one per statement).
                for try await _ in try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT 1 FROM order_holds WHERE order_key = $1 FOR UPDATE", binds: binds),
                    logger: logger
                ).decode(Int32.self) {}
                return try await Self.deleteHoldUnlessParked(on: connection, binds: binds, logger: logger)
            }
        }
    }

    public func parkingCounts() async throws -> (held: Int, parked: Int) {
        try await run("parkingCounts") { client, logger in
            let sql = "SELECT (SELECT count(*) FROM order_holds), (SELECT count(*) FROM parked_events)"
            for try await (held, parked) in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                .decode((Int64, Int64).self)
            {
                return (Int(held), Int(parked))
            }
            return (0, 0)
        }
    }

    /// Inside a transaction that holds the hold's row lock: deletes `order`'s hold (the one bind) unless an
    /// event is parked behind it; true when it was deleted. Shared by both `release` variants.
    static func deleteHoldUnlessParked(
        on connection: PostgresConnection, binds: PostgresBindings, logger: Logger
    ) async throws -> Bool {
        var parked = false
        for try await _ in try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT 1 FROM parked_events WHERE order_key = $1 LIMIT 1", binds: binds),
            logger: logger
        ).decode(Int32.self) {
            parked = true
        }
        guard !parked else { return false }
        try await connection.query(
            PostgresQuery(unsafeSQL: "DELETE FROM order_holds WHERE order_key = $1", binds: binds), logger: logger)
        return true
    }
}
