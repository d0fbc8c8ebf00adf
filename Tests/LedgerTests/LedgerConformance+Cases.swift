import Foundation
import Ledger
import XCTest

extension LedgerConformance {
    /// A quarantine-style arrival (no attempt history) at `topic[partition]@offset`.
    static func arrival(
        order: String = "shopify:1001", event: String = "w-1", stage: String = "validate",
        reason: String = "unmapped-status", topic: String = "driftless.quarantine", partition: Int32 = 1,
        offset: Int64 = 5, at seconds: Double = 0, reopens: Int64? = nil
    ) -> CaseArrival {
        CaseArrival(
            orderKey: order, channel: AuditRecord.channel(ofOrderKey: order), eventID: event, traceID: "t-\(event)",
            provenance: CaseProvenance(
                sourceTopic: topic, sourcePartition: partition, sourceOffset: offset,
                originalTopic: "driftless.ingest.raw", originalPartition: partition, originalOffset: offset * 10,
                stage: stage, reasonCode: reason, reasonDetail: "financial_status=on_hold"),
            payload: CasePayload(
                key: Data(order.utf8), value: Data("{\"id\":1}".utf8),
                headers: [
                    CaseHeader(key: "dl-event-id", value: Data(event.utf8)), CaseHeader(key: "empty", value: nil),
                    CaseHeader(key: "binary", value: Data([0, 0xff, 0x10])),
                ]),
            reopens: reopens, seenAt: LedgerFixtures.at(seconds))
    }

    /// A case per source record (redelivery changes nothing), full provenance and payload round-trip,
    /// compare-and-set transitions with who/when/why, and `dl-case-id` reopening the same case.
    func casesAreIdempotentAndReopen() async throws {
        let (ledger, _) = try await open()
        defer { Task { await ledger.close() } }
        let store = try XCTUnwrap(ledger as? any CaseStore)
        let quarantined = Self.arrival()
        guard case .created(let first) = try await store.recordCase(quarantined) else {
            return XCTFail("the first arrival creates a case")
        }
        let again = try await store.recordCase(quarantined)
        XCTAssertEqual(again, .duplicate(caseID: first.id), "the same source record makes no second case")
        var deadLetter = Self.arrival(
            order: "amazon:902-1", event: "c-9", stage: "dispatch", reason: "erp-unavailable",
            topic: "driftless.dead-letter", partition: 0, offset: 7, at: 1)
        deadLetter.provenance.attempts = 12
        deadLetter.provenance.firstFailure = LedgerFixtures.at(-60)
        deadLetter.provenance.httpStatus = 503
        deadLetter.provenance.lastError = "HTTP 503 Service Unavailable"
        deadLetter.provenance.effectID = "amazon:902-1#status#7"
        deadLetter.provenance.tier = "5m"
        guard case .created(let second) = try await store.recordCase(deadLetter) else {
            return XCTFail("another source record is another case")
        }
        XCTAssertNotEqual(first.id, second.id)
        let loaded = try await store.loadCase(id: second.id)
        let stored = try XCTUnwrap(loaded)
        XCTAssertEqual(stored, second)
        XCTAssertEqual(stored.provenance, deadLetter.provenance, "provenance and attempt history round-trip")
        XCTAssertEqual(stored.payload, deadLetter.payload, "the record round-trips byte for byte")
        XCTAssertEqual(stored.state, .open)
        XCTAssertEqual(stored.occurrences, 1)
        XCTAssertEqual(stored.channel, "amazon")
        let openCount = try await store.openCaseCount()
        XCTAssertEqual(openCount, 2)

        let replayAt = LedgerFixtures.at(10)
        let marked = try await store.transitionCase(
            id: first.id, to: .replayed, actor: "ana", reason: "mapping v2", at: replayAt, allowedFrom: [.open])
        guard case .changed(let replayed) = marked else { return XCTFail("open → replayed") }
        XCTAssertEqual(replayed.state, .replayed)
        XCTAssertEqual(replayed.replayedAt, replayAt)
        XCTAssertEqual(replayed.lastTransition?.actor, "ana")
        XCTAssertEqual(replayed.lastTransition?.reason, "mapping v2")
        XCTAssertEqual(replayed.lastTransition?.from, .open)
        let twice = try await store.transitionCase(
            id: first.id, to: .replayed, actor: "bo", reason: nil, at: replayAt, allowedFrom: [.open])
        XCTAssertEqual(twice, .refused(replayed), "compare and set: a replayed case is not replayed again")
        let missing = try await store.transitionCase(
            id: 9_999, to: .discarded, actor: "bo", reason: "x", at: replayAt, allowedFrom: [.open])
        XCTAssertEqual(missing, .notFound)

        let back = Self.arrival(offset: 6, at: 20, reopens: first.id)
        guard case .reopened(let reopened) = try await store.recordCase(back) else {
            return XCTFail("a record carrying dl-case-id reopens its case")
        }
        XCTAssertEqual(reopened.id, first.id)
        XCTAssertEqual(reopened.state, .open)
        XCTAssertEqual(reopened.occurrences, 2)
        XCTAssertEqual(reopened.history.map(\.to), [.open, .replayed, .open])
        XCTAssertEqual(reopened.provenance.sourceOffset, 6)
        XCTAssertEqual(reopened.firstSeen, LedgerFixtures.at(0))
        XCTAssertEqual(reopened.lastSeen, LedgerFixtures.at(20))
        let redelivered = try await store.recordCase(back)
        XCTAssertEqual(redelivered, .duplicate(caseID: first.id))
        let unknown = try await store.recordCase(Self.arrival(offset: 8, reopens: 9_999))
        guard case .created = unknown else { return XCTFail("an unknown dl-case-id makes a new case") }
        let finalCount = try await store.openCaseCount()
        XCTAssertEqual(finalCount, 3)
    }

    /// Filters: ids, channel, order, reason, stage, states, since, limit.
    func caseQueriesFilter() async throws {
        let (ledger, _) = try await open()
        defer { Task { await ledger.close() } }
        let store = try XCTUnwrap(ledger as? any CaseStore)
        var ids: [Int64] = []
        let arrivals = [
            Self.arrival(order: "shopify:1", stage: "validate", reason: "unmapped-status", offset: 1, at: 0),
            Self.arrival(order: "shopify:2", stage: "translate", reason: "illegal-transition", offset: 2, at: 100),
            Self.arrival(order: "amazon:3", stage: "dispatch", reason: "erp-refused", offset: 3, at: 200),
            Self.arrival(order: "amazon:3", stage: "dispatch", reason: "erp-unavailable", offset: 4, at: 300),
        ]
        for arrival in arrivals { ids.append(try await store.recordCase(arrival).caseID) }
        _ = try await store.transitionCase(
            id: ids[3], to: .discarded, actor: "ana", reason: "test order", at: .now, allowedFrom: [.open])
        func found(_ query: CaseQuery) async throws -> [Int64] { try await store.cases(query).map(\.id) }
        let all = try await found(CaseQuery())
        XCTAssertEqual(all, ids)
        let amazon = try await found(CaseQuery(channel: "amazon"))
        XCTAssertEqual(amazon, [ids[2], ids[3]])
        let order = try await found(CaseQuery(orderKey: "shopify:2"))
        XCTAssertEqual(order, [ids[1]])
        let reason = try await found(CaseQuery(reasonCode: "erp-refused"))
        XCTAssertEqual(reason, [ids[2]])
        let stage = try await found(CaseQuery(stage: "validate"))
        XCTAssertEqual(stage, [ids[0]])
        let open = try await found(CaseQuery(states: [.open]))
        XCTAssertEqual(open, Array(ids.prefix(3)))
        let discarded = try await found(CaseQuery(states: [.discarded, .resolved]))
        XCTAssertEqual(discarded, [ids[3]])
        let since = try await found(CaseQuery(since: LedgerFixtures.at(150)))
        XCTAssertEqual(since, [ids[2], ids[3]])
        let byID = try await found(CaseQuery(ids: [ids[1], ids[3]], channel: "amazon"))
        XCTAssertEqual(byID, [ids[3]])
        let limited = try await found(CaseQuery(limit: 2))
        XCTAssertEqual(limited, Array(ids.prefix(2)))
        let none = try await found(CaseQuery(channel: "shopify", stage: "dispatch"))
        XCTAssertEqual(none, [])
    }

    /// The same record recorded by many writers at once (replicas) still makes one case.
    func concurrentArrivalsMakeOneCase() async throws {
        let (ledger, _) = try await open()
        defer { Task { await ledger.close() } }
        let store = try XCTUnwrap(ledger as? any CaseStore)
        let outcomes = try await withThrowingTaskGroup(of: CaseRecordOutcome.self) { group in
            for _ in 0..<8 { group.addTask { try await store.recordCase(Self.arrival(offset: 42)) } }
            return try await group.reduce(into: [CaseRecordOutcome]()) { $0.append($1) }
        }
        let created = outcomes.filter { if case .created = $0 { true } else { false } }
        XCTAssertEqual(created.count, 1)
        XCTAssertEqual(Set(outcomes.map(\.caseID)).count, 1)
        let count = try await store.openCaseCount()
        XCTAssertEqual(count, 1)
    }
}

extension LedgerConformance {
    /// Offsets that start again (a topic recreated, a cluster replaced, a kept ledger): another record
    /// at a recorded position is a new case; the same record (same fingerprint) is a duplicate; a
    /// source recorded before fingerprints existed matches the same event id only (migration 7).
    func casesOnReusedOffsetsAreNewCases() async throws {
        let (ledger, _) = try await open()
        defer { Task { await ledger.close() } }
        let store = try XCTUnwrap(ledger as? any CaseStore)
        var first = Self.arrival(event: "w-1", offset: 3)
        first.sourceFingerprint = "aaaa"
        guard case .created(let made) = try await store.recordCase(first) else { return XCTFail("first is new") }
        let again = try await store.recordCase(first)
        XCTAssertEqual(again, .duplicate(caseID: made.id), "a redelivery is a duplicate")
        var reused = Self.arrival(event: "w-2", offset: 3, at: 5)
        reused.sourceFingerprint = "bbbb"
        guard case .created(let second) = try await store.recordCase(reused) else {
            return XCTFail("another record at a reused offset is a new case")
        }
        XCTAssertNotEqual(second.id, made.id)
        let twice = try await store.recordCase(reused)
        XCTAssertEqual(twice, .duplicate(caseID: second.id))
        // A position recorded without a fingerprint (before migration 7): the same event is a duplicate,
        // another event a new case.
        let legacy = Self.arrival(event: "w-9", offset: 77)
        guard case .created(let old) = try await store.recordCase(legacy) else { return XCTFail() }
        var redelivered = legacy
        redelivered.sourceFingerprint = "cccc"
        let legacyAgain = try await store.recordCase(redelivered)
        XCTAssertEqual(legacyAgain, .duplicate(caseID: old.id))
        var other = Self.arrival(event: "w-10", offset: 77)
        other.sourceFingerprint = "dddd"
        guard case .created = try await store.recordCase(other) else { return XCTFail("another event is a new case") }
        let all = try await store.cases(CaseQuery())
        XCTAssertEqual(all.count, 4)
    }
}
