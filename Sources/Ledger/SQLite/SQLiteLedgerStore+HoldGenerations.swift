import Foundation
import GRDB

/// Hold generations and the sweep's queries (migration 7) on SQLite: each in one write
/// transaction, so a compare-and-set on the generation cannot interleave with another.
extension SQLiteLedgerStore {
    static let holdColumns = """
        order_key, head_event_id, generation, since_us, updated_us, head_value, head_headers, head_topic,
            head_partition, head_offset
        """

    static func orderHold(_ row: Row, withHead: Bool) -> OrderHold {
        var hold = OrderHold(
            orderKey: row[0], headEventID: row[1], generation: row[2], since: StorageCoding.date(microseconds: row[3]),
            updated: StorageCoding.date(microseconds: row[4]))
        if withHead, let value = row[5] as Data?, let topic = row[7] as String? {
            let partition: Int64 = row[8] ?? 0
            hold.head = ParkedEvent(
                orderKey: hold.orderKey, eventID: hold.headEventID, value: [UInt8](value),
                headers: ParkedHeader.decode(row[6] ?? "[]"), sourceTopic: topic,
                sourcePartition: Int32(clamping: partition), sourceOffset: row[9] ?? 0)
        }
        return hold
    }

    public func holdStates(orders: [String]) async throws -> [String: OrderHold] {
        guard !orders.isEmpty else { return [:] }
        return try await read { db in
            var holds: [String: OrderHold] = [:]
            for start in stride(from: 0, to: orders.count, by: 500) {
                let chunk = Array(orders[start..<min(start + 500, orders.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT \(Self.holdColumns) FROM order_holds WHERE order_key IN (\(marks))",
                    arguments: StatementArguments(chunk))
                for row in rows {
                    let hold = Self.orderHold(row, withHead: false)
                    holds[hold.orderKey] = hold
                }
            }
            return holds
        }
    }

    public func arm(order: String, head: ParkedEvent, expecting generation: Int64?) async throws -> Int64? {
        let now = StorageCoding.microseconds(.now)
        let key = StorageCoding.text(order)
        let record: StatementArguments = [
            StorageCoding.text(head.eventID), Data(head.value), StorageCoding.text(ParkedHeader.encode(head.headers)),
            StorageCoding.text(head.sourceTopic), Int64(head.sourcePartition), head.sourceOffset,
        ]
        return try await write { db in
            if let generation {
                try db.execute(
                    sql: """
                        UPDATE order_holds SET head_event_id = ?, head_value = ?, head_headers = ?, head_topic = ?,
                            head_partition = ?, head_offset = ?, generation = generation + 1, updated_us = ?
                        WHERE order_key = ? AND generation = ?
                        """,
                    arguments: record + [now, key, generation])
                guard db.changesCount == 1 else { return nil }
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO order_holds (head_event_id, head_value, head_headers, head_topic, head_partition,
                            head_offset, since_us, updated_us, order_key, generation)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                        ON CONFLICT (order_key) DO UPDATE SET head_event_id = excluded.head_event_id,
                            head_value = excluded.head_value, head_headers = excluded.head_headers,
                            head_topic = excluded.head_topic, head_partition = excluded.head_partition,
                            head_offset = excluded.head_offset, updated_us = excluded.updated_us,
                            generation = order_holds.generation + 1
                        """,
                    arguments: record + [now, now, key])
            }
            return try Int64.fetchOne(
                db, sql: "SELECT generation FROM order_holds WHERE order_key = ?", arguments: [key])
        }
    }

    public func confirm(order: String, generation: Int64) async throws -> Bool {
        let now = StorageCoding.microseconds(.now)
        return try await write { db in
            try db.execute(
                sql: "UPDATE order_holds SET updated_us = ? WHERE order_key = ? AND generation = ?",
                arguments: [now, StorageCoding.text(order), generation])
            return db.changesCount == 1
        }
    }

    public func release(order: String, generation: Int64) async throws -> Bool? {
        try await write { db in
            let key = StorageCoding.text(order)
            guard
                try Int64.fetchOne(db, sql: "SELECT generation FROM order_holds WHERE order_key = ?", arguments: [key])
                    == generation
            else { return nil }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM parked_events WHERE order_key = ? LIMIT 1", arguments: [key])
                != nil
            {
                return false
            }
            try db.execute(sql: "DELETE FROM order_holds WHERE order_key = ?", arguments: [key])
            return true
        }
    }

    public func forgetHead(order: String, generation: Int64) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE order_holds SET head_value = NULL, head_headers = NULL, head_topic = NULL,
                        head_partition = NULL, head_offset = NULL, updated_us = 0
                    WHERE order_key = ? AND generation = ?
                    """,
                arguments: [StorageCoding.text(order), generation])
        }
    }

    public func staleHolds(updatedBefore before: Date, limit: Int) async throws -> [OrderHold] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.holdColumns) FROM order_holds WHERE updated_us < ? ORDER BY updated_us LIMIT ?",
                arguments: [StorageCoding.microseconds(before), max(1, limit)]
            ).map { Self.orderHold($0, withHead: true) }
        }
    }

    public func oldestHoldSince() async throws -> Date? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT min(since_us) FROM order_holds").map {
                StorageCoding.date(microseconds: $0)
            }
        }
    }

    public func claim(order: String, expecting generation: Int64) async throws -> Int64? {
        let now = StorageCoding.microseconds(.now)
        let key = StorageCoding.text(order)
        return try await write { db in
            try db.execute(
                sql: """
                    UPDATE order_holds SET generation = generation + 1, updated_us = ?
                    WHERE order_key = ? AND generation = ?
                    """,
                arguments: [now, key, generation])
            guard db.changesCount == 1 else { return nil }
            return try Int64.fetchOne(
                db, sql: "SELECT generation FROM order_holds WHERE order_key = ?", arguments: [key])
        }
    }
}
