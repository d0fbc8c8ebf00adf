import Foundation
import PostgresNIO

/// Mapping between ledger records and PostgreSQL rows.
enum PostgresRows {
    static let auditColumns = """
        time, hop, failed, order_key, channel, event_id, stage, replica, topic, kafka_partition, kafka_offset,
        from_state, to_state, http_status, due_at, reason, detail, trace_id
        """
    static let auditColumnCount = 18

    /// One multi-row INSERT for `records` (callers keep batches under PostgreSQL's 65535 binds).
    static func insertAudit(_ records: [AuditRecord]) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: records.count * auditColumnCount)
        var rows: [String] = []
        rows.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            let base = index * auditColumnCount
            rows.append("(" + (1...auditColumnCount).map { "$\(base + $0)" }.joined(separator: ",") + ")")
            binds.append(record.time)
            binds.append(record.hop.rawValue)
            binds.append(record.isFailure)
            binds.append(StorageCoding.text(record.orderKey))
            binds.append(StorageCoding.text(record.channel))
            binds.append(StorageCoding.text(record.eventID))
            binds.append(StorageCoding.text(record.stage))
            binds.append(StorageCoding.optionalText(record.replica))
            binds.append(StorageCoding.optionalText(record.topic))
            binds.append(record.partition)
            binds.append(record.offset)
            binds.append(StorageCoding.optionalText(record.fromState))
            binds.append(StorageCoding.optionalText(record.toState))
            binds.append(record.httpStatus.map { Int32(clamping: $0) })
            binds.append(record.dueAt)
            binds.append(StorageCoding.optionalText(record.reason))
            binds.append(StorageCoding.optionalText(record.detail))
            binds.append(StorageCoding.optionalText(record.traceID))
        }
        let sql = "INSERT INTO audit_records (\(auditColumns)) VALUES " + rows.joined(separator: ",")
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    static let selectAudit = "SELECT id, \(auditColumns) FROM audit_records"

    static func auditRecord(_ row: PostgresRow) throws -> AuditRecord {
        let r = row.makeRandomAccess()
        let hopText = try r["hop"].decode(String.self)
        guard let hop = AuditHop(parsing: hopText) else {
            throw LedgerError.database("audit_records", reason: "unknown hop '\(hopText)' in row")
        }
        return AuditRecord(
            id: try r["id"].decode(Int64.self),
            time: try r["time"].decode(Date.self),
            hop: hop,
            orderKey: try r["order_key"].decode(String.self),
            channel: try r["channel"].decode(String.self),
            eventID: try r["event_id"].decode(String.self),
            stage: try r["stage"].decode(String.self),
            replica: try r["replica"].decode(String?.self),
            topic: try r["topic"].decode(String?.self),
            partition: try r["kafka_partition"].decode(Int32?.self),
            offset: try r["kafka_offset"].decode(Int64?.self),
            fromState: try r["from_state"].decode(String?.self),
            toState: try r["to_state"].decode(String?.self),
            httpStatus: try r["http_status"].decode(Int32?.self).map(Int.init),
            dueAt: try r["due_at"].decode(Date?.self),
            reason: try r["reason"].decode(String?.self),
            detail: try r["detail"].decode(String?.self),
            traceID: try r["trace_id"].decode(String?.self)
        )
    }

    static let stateColumns = """
        order_key, system, state, dimensions, version, source_ts, last_event_id, applied_event_ids, updated_at
        """
    static let stateColumnCount = 9

    static func upsertStates(_ states: [OrderStateRecord], onlyIfNewer: Bool) -> PostgresQuery {
        var binds = PostgresBindings(capacity: states.count * stateColumnCount)
        var rows: [String] = []
        for (index, state) in states.enumerated() {
            let base = index * stateColumnCount
            rows.append("(" + (1...stateColumnCount).map { "$\(base + $0)" }.joined(separator: ",") + ")")
            binds.append(state.orderKey)
            binds.append(state.system)
            binds.append(state.state)
            binds.append(state.dimensionsJSON)
            binds.append(state.version)
            binds.append(state.sourceTimestamp)
            binds.append(state.lastEventID)
            binds.append(StorageCoding.encodeIDs(state.appliedEventIDs))
            binds.append(state.updatedAt)
        }
        let sql = """
            INSERT INTO order_states (\(stateColumns)) VALUES \(rows.joined(separator: ","))
            ON CONFLICT (order_key, system) DO UPDATE SET
                state = EXCLUDED.state, dimensions = EXCLUDED.dimensions, version = EXCLUDED.version,
                source_ts = EXCLUDED.source_ts, last_event_id = EXCLUDED.last_event_id,
                applied_event_ids = EXCLUDED.applied_event_ids, updated_at = EXCLUDED.updated_at
            \(onlyIfNewer ? "WHERE EXCLUDED.version > order_states.version" : "")
            RETURNING order_key, system
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// The stored versions of `keys`, locked (`FOR UPDATE`, in key order so that two writers
    /// cannot deadlock) until the transaction ends.
    static func lockStoredVersions(_ keys: [OrderStateKey]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: 2)
        binds.append(keys.map(\.orderKey))
        binds.append(keys.map(\.system))
        let sql = """
            SELECT order_key, system, version FROM order_states
            WHERE (order_key, system) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            ORDER BY order_key, system FOR UPDATE
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    static func orderState(_ row: PostgresRow) throws -> OrderStateRecord {
        let r = row.makeRandomAccess()
        return OrderStateRecord(
            orderKey: try r["order_key"].decode(String.self),
            system: try r["system"].decode(String.self),
            state: try r["state"].decode(String.self),
            dimensionsJSON: try r["dimensions"].decode(String.self),
            version: try r["version"].decode(Int64.self),
            sourceTimestamp: try r["source_ts"].decode(Date?.self),
            lastEventID: try r["last_event_id"].decode(String?.self),
            appliedEventIDs: StorageCoding.decodeIDs(try r["applied_event_ids"].decode(String.self)),
            updatedAt: try r["updated_at"].decode(Date.self)
        )
    }
}
