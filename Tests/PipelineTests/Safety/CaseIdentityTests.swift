import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Pipeline
import XCTest

/// Dead letters are not lost when offsets start again (a topic recreated, a cluster migrated, an
/// embedded run on a kept ledger): a case's source identity includes the record's content, so a new
/// failure on a reused offset is a new case, while a true redelivery stays a duplicate (issue 25, item 3).
final class CaseIdentityTests: XCTestCase {
    /// One run of the dead-letter stage on its own mock cluster, sharing `ledger` and the topic names.
    private func run(
        ledger: any LedgerStore & CaseStore, writer: AuditWriter, prefix: String, orders: [String],
        redeliver: Bool = false
    ) async throws {
        let broker = try TestBroker.mock()
        let topics = PipelineTopics(prefix: prefix)
        for topic in topics.stageTopics { try await broker.createTopic(named: topic, partitions: 1) }
        let producer = try KafkaProducer(config: broker.config())
        let reports = try await producer.send(
            orders.map { DeadLetterRecords.quarantined(topics: topics, order: $0, event: "w-\($0)") })
        XCTAssertEqual(reports.map(\.offset), Array(0..<Int64(orders.count)), "offsets start at 0 on a new cluster")
        for group in redeliver ? [nil, broker.uniqueName("again")] : [nil] {
            let stage = try DeadLetterStage(
                kafka: broker.consumerConfig(), topics: topics, ledger: ledger, audit: LedgerAuditSink(writer: writer),
                group: group)
            let task = Task { await stage.run() }
            let read = await eventually(timeout: .seconds(30)) { stage.counters.snapshot.consumed >= orders.count }
            stage.stop()
            await task.value
            XCTAssertTrue(read, "the stage read the \(orders.count) records")
        }
        await producer.close()
    }

    func testNewFailuresOnReusedOffsetsMakeNewCasesAndRedeliveriesDoNot() async throws {
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-case-identity")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        let cases = try XCTUnwrap(ledger as? any LedgerStore & CaseStore)
        let writer = AuditWriter(store: ledger)
        let prefix = TestBroker.uniqueName("kept")
        // First run, then a second one on a new cluster (offsets 0… again) with other failing events;
        // each run's records are read twice (a second group: a redelivery).
        try await run(ledger: cases, writer: writer, prefix: prefix, orders: ["11", "12", "13"], redeliver: true)
        try await run(ledger: cases, writer: writer, prefix: prefix, orders: ["21", "22", "23", "24"], redeliver: true)
        let all = try await cases.cases(CaseQuery(limit: 100))
        XCTAssertEqual(
            all.map(\.eventID).sorted(), ["w-11", "w-12", "w-13", "w-21", "w-22", "w-23", "w-24"],
            "one case per failure, none per redelivery")
        try await writer.flush()
        let audited = try await ledger.search(AuditQuery(hops: [.deadLettered], limit: 100))
        XCTAssertEqual(audited.count, 7, "each case is audited once")
        _ = await writer.shutdown()
        await ledger.close()
    }
}
