import Foundation
import GRDB

extension SQLiteLedgerStore: CaseStore {
    public func recordCase(_ arrival: CaseArrival) async throws -> CaseRecordOutcome {
        try await write { db in
            let source = arrival.provenance
            let fingerprint = StorageCoding.text(arrival.sourceFingerprint)
            let known = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.case_id, s.fingerprint, c.event_id FROM case_sources s LEFT JOIN cases c ON c.id = s.case_id
                    WHERE s.topic = ? AND s.kafka_partition = ? AND s.kafka_offset = ?
                    """,
                arguments: [StorageCoding.text(source.sourceTopic), source.sourcePartition, source.sourceOffset]
            ).map { (caseID: $0[0] as Int64, fingerprint: $0[1] as String, eventID: $0[2] as String?) }
            if let same = CaseSourceMatch.duplicate(of: arrival, fingerprint: fingerprint, among: known) {
                return .duplicate(caseID: same)
            }
            let existing = try arrival.reopens.flatMap { try Self.fetchCase(db, id: $0) }
            let outcome: CaseRecordOutcome
            if let reopened = CaseDocument.reopening(existing, with: arrival) {
                try Self.update(db, reopened)
                outcome = .reopened(reopened)
            } else {
                var created = DeadLetterCase(id: 0, arrival: arrival)
                try db.execute(
                    sql: """
                        INSERT INTO cases (state, order_key, channel, event_id, stage, reason_code, first_seen_us,
                            last_seen_us, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}')
                        """,
                    arguments: [
                        created.state.rawValue, StorageCoding.text(created.orderKey),
                        StorageCoding.text(created.channel), StorageCoding.text(created.eventID),
                        StorageCoding.text(source.stage), StorageCoding.text(source.reasonCode),
                        StorageCoding.microseconds(created.firstSeen), StorageCoding.microseconds(created.lastSeen),
                    ])
                created.id = db.lastInsertedRowID
                try Self.update(db, created)
                outcome = .created(created)
            }
            try db.execute(
                sql:
                    """
                    INSERT INTO case_sources (topic, kafka_partition, kafka_offset, fingerprint, case_id, seen_us)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    StorageCoding.text(source.sourceTopic), source.sourcePartition, source.sourceOffset, fingerprint,
                    outcome.caseID, StorageCoding.microseconds(arrival.seenAt),
                ])
            return outcome
        }
    }

    public func loadCase(id: Int64) async throws -> DeadLetterCase? {
        try await read { db in try Self.fetchCase(db, id: id) }
    }

    public func cases(_ query: CaseQuery) async throws -> [DeadLetterCase] {
        let (conditions, values) = query.conditions(lastSeenColumn: "last_seen_us")
        var arguments = StatementArguments()
        for value in values {
            switch value {
            case .text(let text): arguments += [text]
            case .integer(let number): arguments += [number]
            case .date(let date): arguments += [StorageCoding.microseconds(date)]
            }
        }
        arguments += [max(query.limit, 0)]
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT id, document FROM cases \(whereClause) ORDER BY id LIMIT ?"
        let finalArguments = arguments
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: finalArguments).map { row in
                try CaseDocument.decode(row["document"], id: row["id"])
            }
        }
    }

    public func transitionCase(
        id: Int64, to state: CaseState, actor: String, reason: String?, at: Date, allowedFrom: Set<CaseState>
    ) async throws -> CaseTransitionOutcome {
        try await write { db in
            guard var found = try Self.fetchCase(db, id: id) else { return .notFound }
            guard allowedFrom.contains(found.state) else { return .refused(found) }
            found.record(CaseTransition(from: found.state, to: state, actor: actor, at: at, reason: reason))
            try Self.update(db, found)
            return .changed(found)
        }
    }

    public func openCaseCount() async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM cases WHERE state = ?", arguments: ["open"]) ?? 0
        }
    }

    private static func fetchCase(_ db: Database, id: Int64) throws -> DeadLetterCase? {
        guard let text = try String.fetchOne(db, sql: "SELECT document FROM cases WHERE id = ?", arguments: [id])
        else { return nil }
        return try CaseDocument.decode(text, id: id)
    }

    /// Writes the case's document and filter columns.
    private static func update(_ db: Database, _ value: DeadLetterCase) throws {
        try db.execute(
            sql: """
                UPDATE cases SET state = ?, stage = ?, reason_code = ?, last_seen_us = ?, document = ?,
                    updated_us = ? WHERE id = ?
                """,
            arguments: [
                value.state.rawValue, StorageCoding.text(value.provenance.stage),
                StorageCoding.text(value.provenance.reasonCode), StorageCoding.microseconds(value.lastSeen),
                StorageCoding.text(try CaseDocument.encode(value)), StorageCoding.microseconds(value.updatedAt),
                value.id,
            ])
    }
}
