import Foundation
import GRDB

/// Mapping between ledger records and SQLite rows.
enum SQLiteRows {
    static let insertAuditSQL = """
        INSERT INTO audit_records (time_us, hop, failed, order_key, channel, event_id, stage, replica, topic,
            kafka_partition, kafka_offset, from_state, to_state, http_status, due_us, reason, detail, trace_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func arguments(_ record: AuditRecord) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            StorageCoding.microseconds(record.time), record.hop.rawValue, record.isFailure ? 1 : 0,
            record.orderKey, record.channel, record.eventID, record.stage, record.replica, record.topic,
            record.partition.map { Int64($0) }, record.offset, record.fromState, record.toState,
            record.httpStatus.map { Int64($0) }, record.dueAt.map(StorageCoding.microseconds),
            record.reason, record.detail, record.traceID,
        ]
        return StatementArguments(values)
    }

    static func auditRecord(_ row: Row) -> AuditRecord {
        let hopText: String = row["hop"] ?? ""
        return AuditRecord(
            id: row["id"],
            time: StorageCoding.date(microseconds: row["time_us"] ?? 0),
            hop: AuditHop(parsing: hopText) ?? .received,
            orderKey: row["order_key"] ?? "",
            channel: row["channel"] ?? "",
            eventID: row["event_id"] ?? "",
            stage: row["stage"] ?? "",
            replica: row["replica"],
            topic: row["topic"],
            partition: (row["kafka_partition"] as Int64?).map { Int32(truncatingIfNeeded: $0) },
            offset: row["kafka_offset"],
            fromState: row["from_state"],
            toState: row["to_state"],
            httpStatus: (row["http_status"] as Int64?).map { Int(truncatingIfNeeded: $0) },
            dueAt: (row["due_us"] as Int64?).map(StorageCoding.date(microseconds:)),
            reason: row["reason"],
            detail: row["detail"],
            traceID: row["trace_id"]
        )
    }

    static func upsertStateSQL(onlyIfNewer: Bool) -> String {
        """
        INSERT INTO order_states (order_key, system, state, dimensions, version, source_us, last_event_id,
            applied_event_ids, updated_us)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (order_key, system) DO UPDATE SET
            state = excluded.state, dimensions = excluded.dimensions, version = excluded.version,
            source_us = excluded.source_us, last_event_id = excluded.last_event_id,
            applied_event_ids = excluded.applied_event_ids, updated_us = excluded.updated_us
        \(onlyIfNewer ? "WHERE excluded.version > order_states.version" : "")
        """
    }

    static func arguments(_ state: OrderStateRecord) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            state.orderKey, state.system, state.state, state.dimensionsJSON, state.version,
            state.sourceTimestamp.map(StorageCoding.microseconds), state.lastEventID,
            StorageCoding.encodeIDs(state.appliedEventIDs), StorageCoding.microseconds(state.updatedAt),
        ]
        return StatementArguments(values)
    }

    static func orderState(_ row: Row) -> OrderStateRecord {
        OrderStateRecord(
            orderKey: row["order_key"] ?? "",
            system: row["system"] ?? "",
            state: row["state"] ?? "",
            dimensionsJSON: row["dimensions"] ?? "{}",
            version: row["version"] ?? 0,
            sourceTimestamp: (row["source_us"] as Int64?).map(StorageCoding.date(microseconds:)),
            lastEventID: row["last_event_id"],
            appliedEventIDs: StorageCoding.decodeIDs(row["applied_event_ids"] ?? "[]"),
            updatedAt: StorageCoding.date(microseconds: row["updated_us"] ?? 0)
        )
    }
}
