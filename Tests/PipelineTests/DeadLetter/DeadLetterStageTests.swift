import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Pipeline
import XCTest

/// The dead-letter stage on the mock cluster: quarantine and dead-letter records become cases with
/// their provenance, once each; `dl-case-id` reopens a case.
final class DeadLetterStageTests: XCTestCase {
    func testRecordsBecomeOneCaseEachOnSQLite() async throws {
        try await recordsBecomeOneCaseEach(backend: .sqlite)
    }

    func testRecordsBecomeOneCaseEachOnPostgres() async throws {
        try await recordsBecomeOneCaseEach(backend: .postgres)
    }

    func testRecordsBecomeOneCaseEachOnTansu() async throws {
        guard let broker = try TestBroker.tansu() else { throw XCTSkip("no Tansu") }
        try await recordsBecomeOneCaseEach(backend: .sqlite, broker: broker)
    }

    private func startStage(_ rig: StageRig, group: String? = nil) throws -> (DeadLetterStage, Task<Void, Never>) {
        let cases = try XCTUnwrap(rig.ledger as? any LedgerStore & CaseStore)
        let stage = try DeadLetterStage(
            kafka: rig.broker.consumerConfig(), topics: rig.topics, ledger: cases,
            audit: LedgerAuditSink(writer: rig.writer), group: group)
        return (stage, Task { await stage.run() })
    }

    private func recordsBecomeOneCaseEach(backend: StageRig.Backend, broker: TestBroker? = nil) async throws {
        let rig = try await StageRig.start(partitions: 3, name: "deadletter", backend: backend, broker: broker)
        let cases = try XCTUnwrap(rig.ledger as? any CaseStore)
        let producer = try KafkaProducer(config: rig.broker.config())
        let reports = try await producer.send([
            DeadLetterRecords.quarantined(topics: rig.topics), try DeadLetterRecords.deadLettered(topics: rig.topics),
        ])
        let (stage, run) = try startStage(rig)
        let both = try await eventually { try await cases.cases(CaseQuery()).count >= 2 }
        XCTAssertTrue(both, "both records become cases")
        stage.stop()
        await run.value

        let found = try await cases.cases(CaseQuery())
        XCTAssertEqual(found.count, 2)
        let quarantined = try XCTUnwrap(found.first { $0.provenance.stage == "validate" })
        XCTAssertEqual(quarantined.orderKey, "shopify:7001")
        XCTAssertEqual(quarantined.channel, "shopify")
        XCTAssertEqual(quarantined.eventID, "w-7001")
        XCTAssertEqual(quarantined.traceID, "trace-w-7001")
        XCTAssertEqual(quarantined.state, .open)
        XCTAssertEqual(quarantined.provenance.reasonCode, "unmapped-status")
        XCTAssertEqual(quarantined.provenance.reasonDetail, "financial_status=on_hold_for_review")
        XCTAssertEqual(quarantined.provenance.sourceTopic, rig.topics.quarantine)
        XCTAssertEqual(quarantined.provenance.sourcePartition, reports[0].partition)
        XCTAssertEqual(quarantined.provenance.sourceOffset, reports[0].offset)
        XCTAssertEqual(quarantined.provenance.originalTopic, rig.topics.ingestRaw)
        XCTAssertEqual(quarantined.provenance.originalPartition, 2)
        XCTAssertEqual(quarantined.provenance.originalOffset, 41)
        XCTAssertNil(quarantined.provenance.attempts)
        let sent = DeadLetterRecords.quarantined(topics: rig.topics)
        XCTAssertEqual(quarantined.payload.value.map { Array($0) }, sent.value, "the value is kept byte for byte")
        XCTAssertEqual(quarantined.payload.headers.map(\.key), sent.headers.map(\.key))

        let dead = try XCTUnwrap(found.first { $0.provenance.stage == "dispatch" })
        XCTAssertEqual(dead.orderKey, "amazon:902-1")
        XCTAssertEqual(dead.provenance.reasonCode, "erp-unavailable")
        XCTAssertEqual(dead.provenance.sourceTopic, rig.topics.deadLetter)
        XCTAssertEqual(dead.provenance.sourceOffset, reports[1].offset)
        XCTAssertEqual(dead.provenance.originalTopic, rig.topics.canonical)
        XCTAssertEqual(dead.provenance.originalOffset, 17)
        XCTAssertEqual(dead.provenance.attempts, 12)
        XCTAssertEqual(dead.provenance.httpStatus, 503)
        XCTAssertEqual(dead.provenance.firstFailure, ISO8601DateFormatter().date(from: "2026-11-18T10:00:00Z"))
        XCTAssertEqual(dead.provenance.lastError, "HTTP 503 Service Unavailable")
        XCTAssertEqual(dead.provenance.effectID, "amazon:902-1#status#3")
        XCTAssertEqual(dead.provenance.tier, "5m")

        // Redelivery: an independent reader of the same records (a group with no commits) makes no case.
        let (again, rerun) = try startStage(rig, group: rig.broker.uniqueName("redeliver"))
        let reread = await eventually { again.counters.snapshot.duplicates >= 2 }
        XCTAssertTrue(reread, "the second reader saw both records")
        again.stop()
        await rerun.value
        let afterRedelivery = try await cases.cases(CaseQuery())
        XCTAssertEqual(afterRedelivery.map(\.id), found.map(\.id), "redelivery makes no second case")
        let open = try await cases.openCaseCount()
        XCTAssertEqual(open, 2)

        // A replayed record that failed again (dl-case-id) reopens its case.
        _ = try await producer.send(try DeadLetterRecords.deadLettered(topics: rig.topics, caseID: dead.id))
        let (third, thirdRun) = try startStage(rig)
        let reopened = try await eventually { try await cases.loadCase(id: dead.id)?.occurrences == 2 }
        XCTAssertTrue(reopened, "the same case is reopened")
        third.stop()
        await thirdRun.value
        let all = try await cases.cases(CaseQuery())
        XCTAssertEqual(all.count, 2, "no new case for a record carrying dl-case-id")

        await producer.close()
        _ = await rig.writer.shutdown()
        let audit = try await rig.ledger.search(AuditQuery(hops: [.deadLettered], limit: 100))
        XCTAssertEqual(audit.count, 3, "one dead_lettered row per case opened or reopened")
        XCTAssertEqual(Set(audit.map(\.stage)), ["dead-letter"])
        await rig.finish()
    }
}
