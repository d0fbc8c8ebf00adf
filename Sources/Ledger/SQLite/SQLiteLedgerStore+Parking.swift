import Foundation
import GRDB

extension SQLiteLedgerStore: ParkingStore {
    public func holds(orders: [String]) async throws -> [String: String] {
        guard !orders.isEmpty else { return [:] }
        return try await read { db in
            var holds: [String: String] = [:]
            for start in stride(from: 0, to: orders.count, by: 500) {
                let chunk = Array(orders[start..<min(start + 500, orders.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT order_key, head_event_id FROM order_holds WHERE order_key IN (\(marks))",
                    arguments: StatementArguments(chunk))
                for row in rows { holds[row[0]] = row[1] }
            }
            return holds
        }
    }

    public func hold(order: String, headEventID: String) async throws {
        let now = StorageCoding.microseconds(.now)
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO order_holds (order_key, head_event_id, since_us, updated_us, generation)
                    VALUES (?, ?, ?, ?, 1)
                    ON CONFLICT (order_key) DO UPDATE SET head_event_id = excluded.head_event_id,
                        updated_us = excluded.updated_us, generation = order_holds.generation + 1,
                        head_value = NULL, head_headers = NULL, head_topic = NULL, head_partition = NULL,
                        head_offset = NULL
                    """,
                arguments: [StorageCoding.text(order), StorageCoding.text(headEventID), now, now])
        }
    }

    public func park(_ event: ParkedEvent) async throws -> Bool {
        try await write { db in
            // One write transaction: SQLite serialises it with `release`.
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM order_holds WHERE order_key = ?",
                    arguments: [StorageCoding.text(event.orderKey)]) != nil
            else { return false }
            try db.execute(
                sql: """
                    INSERT INTO parked_events (order_key, event_id, value, headers, source_topic, source_partition,
                        source_offset, parked_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    StorageCoding.text(event.orderKey), StorageCoding.text(event.eventID), Data(event.value),
                    StorageCoding.text(ParkedHeader.encode(event.headers)), StorageCoding.text(event.sourceTopic),
                    Int64(event.sourcePartition), event.sourceOffset, StorageCoding.microseconds(event.parkedAt),
                ])
            return true
        }
    }

    public func parked(order: String, limit: Int) async throws -> [ParkedEvent] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, order_key, event_id, value, headers, source_topic, source_partition, source_offset,
                        parked_us FROM parked_events WHERE order_key = ? ORDER BY id LIMIT ?
                    """,
                arguments: [StorageCoding.text(order), max(1, limit)]
            ).map { row in
                let value: Data = row[3]
                let partition: Int64 = row[6]
                return ParkedEvent(
                    id: row[0], orderKey: row[1], eventID: row[2], value: [UInt8](value),
                    headers: ParkedHeader.decode(row[4]), sourceTopic: row[5],
                    sourcePartition: Int32(clamping: partition), sourceOffset: row[7],
                    parkedAt: StorageCoding.date(microseconds: row[8]))
            }
        }
    }

    public func unpark(id: Int64) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM parked_events WHERE id = ?", arguments: [id])
        }
    }

    public func release(order: String) async throws -> Bool {
        try await write { db in
            let key = StorageCoding.text(order)
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM parked_events WHERE order_key = ? LIMIT 1", arguments: [key])
                != nil
            {
                return false
            }
            try db.execute(sql: "DELETE FROM order_holds WHERE order_key = ?", arguments: [key])
            return true
        }
    }

    public func parkingCounts() async throws -> (held: Int, parked: Int) {
        try await read { db in
            let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM order_holds") ?? 0
            let parked = try Int.fetchOne(db, sql: "SELECT count(*) FROM parked_events") ?? 0
            return (held, parked)
        }
    }
}
