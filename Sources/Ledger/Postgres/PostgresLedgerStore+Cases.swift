import Foundation
import PostgresNIO

extension PostgresLedgerStore: CaseStore {
    /// Serializes case writes across replicas (a transaction-scoped advisory lock): dead letters are
    /// few, and it makes "source seen?" → insert one step.
    private static let caseLock = "SELECT pg_advisory_xact_lock(4242000004)"

    public func recordCase(_ arrival: CaseArrival) async throws -> CaseRecordOutcome {
        try await run("recordCase") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: Self.caseLock), logger: logger)
                let source = arrival.provenance
                var binds = PostgresBindings()
                binds.append(StorageCoding.text(source.sourceTopic))
                binds.append(source.sourcePartition)
                binds.append(source.sourceOffset)
                let seenSQL = """
                    SELECT s.case_id, s.fingerprint, c.event_id FROM case_sources s LEFT JOIN cases c ON c.id = s.case_id
                    WHERE s.topic = $1 AND s.kafka_partition = $2 AND s.kafka_offset = $3
                    """
                var known: [(caseID: Int64, fingerprint: String, eventID: String?)] = []
                for try await (caseID, fingerprint, eventID) in try await connection.query(
                    PostgresQuery(unsafeSQL: seenSQL, binds: binds), logger: logger
                ).decode((Int64, String, String?).self) {
                    known.append((caseID, fingerprint, eventID))
                }
                let fingerprint = StorageCoding.text(arrival.sourceFingerprint)
                if let same = CaseSourceMatch.duplicate(of: arrival, fingerprint: fingerprint, among: known) {
                    return .duplicate(caseID: same)
                }
                var existing: DeadLetterCase?
                if let id = arrival.reopens { existing = try await Self.fetchCase(connection, id: id, logger: logger) }
                let outcome: CaseRecordOutcome
                if let reopened = CaseDocument.reopening(existing, with: arrival) {
                    try await Self.update(connection, reopened, logger: logger)
                    outcome = .reopened(reopened)
                } else {
                    var created = DeadLetterCase(id: 0, arrival: arrival)
                    var insert = PostgresBindings()
                    insert.append(created.state.rawValue)
                    insert.append(StorageCoding.text(created.orderKey))
                    insert.append(StorageCoding.text(created.channel))
                    insert.append(StorageCoding.text(created.eventID))
                    insert.append(StorageCoding.text(source.stage))
                    insert.append(StorageCoding.text(source.reasonCode))
                    insert.append(created.firstSeen)
                    insert.append(created.lastSeen)
                    let sql = """
                        INSERT INTO cases (state, order_key, channel, event_id, stage, reason_code, first_seen,
                            last_seen, document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '{}') RETURNING id
                        """
                    for try await id in try await connection.query(
                        PostgresQuery(unsafeSQL: sql, binds: insert), logger: logger
                    ).decode(Int64.self) {
                        created.id = id
                    }
                    try await Self.update(connection, created, logger: logger)
                    outcome = .created(created)
                }
                binds.append(outcome.caseID)
                binds.append(arrival.seenAt)
                binds.append(fingerprint)
                let sourceSQL = """
                    INSERT INTO case_sources (topic, kafka_partition, kafka_offset, case_id, seen_at, fingerprint)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    """
                try await connection.query(PostgresQuery(unsafeSQL: sourceSQL, binds: binds), logger: logger)
                return outcome
            }
        }
    }

    public func loadCase(id: Int64) async throws -> DeadLetterCase? {
        try await run("loadCase") { client, logger in
            try await client.withConnection { connection in
                try await Self.fetchCase(connection, id: id, logger: logger)
            }
        }
    }

    public func cases(_ query: CaseQuery) async throws -> [DeadLetterCase] {
        let (conditions, values) = query.conditions(lastSeenColumn: "last_seen")
        var binds = PostgresBindings()
        var numbered: [String] = []
        var next = 1
        for condition in conditions {
            var text = ""
            for character in condition {
                if character == "?" {
                    text += "$\(next)"
                    next += 1
                } else {
                    text.append(character)
                }
            }
            numbered.append(text)
        }
        for value in values {
            switch value {
            case .text(let text): binds.append(text)
            case .integer(let number): binds.append(number)
            case .date(let date): binds.append(date)
            }
        }
        binds.append(Int64(max(query.limit, 0)))
        let whereClause = numbered.isEmpty ? "" : "WHERE " + numbered.joined(separator: " AND ")
        let sql = "SELECT id, document FROM cases \(whereClause) ORDER BY id LIMIT $\(next)"
        let finalBinds = binds
        return try await run("cases") { client, logger in
            var result: [DeadLetterCase] = []
            for try await (id, document) in try await client.query(
                PostgresQuery(unsafeSQL: sql, binds: finalBinds), logger: logger
            ).decode((Int64, String).self) {
                result.append(try CaseDocument.decode(document, id: id))
            }
            return result
        }
    }

    public func transitionCase(
        id: Int64, to state: CaseState, actor: String, reason: String?, at: Date, allowedFrom: Set<CaseState>
    ) async throws -> CaseTransitionOutcome {
        try await run("transitionCase") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: Self.caseLock), logger: logger)
                guard var found = try await Self.fetchCase(connection, id: id, logger: logger) else { return .notFound }
                guard allowedFrom.contains(found.state) else { return .refused(found) }
                found.record(CaseTransition(from: found.state, to: state, actor: actor, at: at, reason: reason))
                try await Self.update(connection, found, logger: logger)
                return .changed(found)
            }
        }
    }

    public func openCaseCount() async throws -> Int {
        try await run("openCaseCount") { client, logger in
            for try await count in try await client.query(
                "SELECT count(*) FROM cases WHERE state = 'open'", logger: logger
            ).decode(Int64.self) {
                return Int(count)
            }
            return 0
        }
    }

    private static func fetchCase(_ connection: PostgresConnection, id: Int64, logger: Logger) async throws
        -> DeadLetterCase?
    {
        var binds = PostgresBindings()
        binds.append(id)
        for try await document in try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT document FROM cases WHERE id = $1", binds: binds), logger: logger
        ).decode(String.self) {
            return try CaseDocument.decode(document, id: id)
        }
        return nil
    }

    /// Writes the case's document and filter columns.
    private static func update(_ connection: PostgresConnection, _ value: DeadLetterCase, logger: Logger) async throws {
        var binds = PostgresBindings()
        binds.append(value.state.rawValue)
        binds.append(StorageCoding.text(value.provenance.stage))
        binds.append(StorageCoding.text(value.provenance.reasonCode))
        binds.append(value.lastSeen)
        binds.append(StorageCoding.text(try CaseDocument.encode(value)))
        binds.append(value.id)
        binds.append(value.updatedAt)
        let sql = """
            UPDATE cases SET state = $1, stage = $2, reason_code = $3, last_seen = $4, document = $5,
                updated_at = $7 WHERE id = $6
            """
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }
}
