import Foundation
import GRDB

/// Mapping between ledger records and SQLite rows.
enum SQLiteRows {
    static let insertAuditSQL = """
        INSERT INTO audit_records (time_us, hop, failed, order_key, channel, event_id, stage, replica, topic,
            kafka_partition, kafka_offset, from_state, to_state, http_status, due_us, reason, detail, trace_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Binds `record` in the column order of `insertAuditSQL`.
    static func bind(_ record: AuditRecord, to writer: inout SQLiteRowWriter) {
        writer.bind(StorageCoding.microseconds(record.time))
        writer.bind(record.hop.rawValue)
        writer.bind(Int64(record.isFailure ? 1 : 0))
        writer.bind(StorageCoding.text(record.orderKey))
        writer.bind(StorageCoding.text(record.channel))
        writer.bind(StorageCoding.text(record.eventID))
        writer.bind(StorageCoding.text(record.stage))
        writer.bind(StorageCoding.optionalText(record.replica))
        writer.bind(StorageCoding.optionalText(record.topic))
        writer.bind(record.partition.map { Int64($0) })
        writer.bind(record.offset)
        writer.bind(StorageCoding.optionalText(record.fromState))
        writer.bind(StorageCoding.optionalText(record.toState))
        writer.bind(record.httpStatus.map { Int64($0) })
        writer.bind(record.dueAt.map(StorageCoding.microseconds))
        writer.bind(StorageCoding.optionalText(record.reason))
        writer.bind(StorageCoding.optionalText(record.detail))
        writer.bind(StorageCoding.optionalText(record.traceID))
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

    /// Binds `state` in the column order of `upsertStateSQL`.
    static func bind(_ state: OrderStateRecord, to writer: inout SQLiteRowWriter) {
        writer.bind(state.orderKey)
        writer.bind(state.system)
        writer.bind(state.state)
        writer.bind(state.dimensionsJSON)
        writer.bind(state.version)
        writer.bind(state.sourceTimestamp.map(StorageCoding.microseconds))
        writer.bind(state.lastEventID)
        writer.bind(StorageCoding.encodeIDs(state.appliedEventIDs))
        writer.bind(StorageCoding.microseconds(state.updatedAt))
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
