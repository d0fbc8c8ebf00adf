import ArgumentParser
import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Pipeline
import Synchronization
import XCTest

@testable import DriftlessCLI
@testable import DriftlessOperations

/// `driftless dlq …` through the real argument parser on a real SQLite ledger (and, for replay,
/// librdkafka's mock cluster).
final class DLQCommandTests: XCTestCase {
    private var directory: URL?
    private var ledgerURL = ""

    override func setUpWithError() throws {
        let made = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-dlq")
        directory = made
        ledgerURL = "sqlite://" + made.appendingPathComponent("ledger.db").path
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Records a validate case and a dispatch case; returns their ids.
    private func seed(quarantineTopic: String = "p.quarantine") async throws -> (validate: Int64, dispatch: Int64) {
        let store = try await Ledger.open(url: ledgerURL)
        let cases = try XCTUnwrap(store as? any CaseStore)
        func arrival(_ order: String, stage: String, reason: String, offset: Int64) -> CaseArrival {
            CaseArrival(
                orderKey: order, channel: AuditRecord.channel(ofOrderKey: order), eventID: "e-\(offset)",
                traceID: "t-\(offset)",
                provenance: CaseProvenance(
                    sourceTopic: quarantineTopic, sourcePartition: 0, sourceOffset: offset,
                    originalTopic: "p.ingest.raw", originalPartition: 0, originalOffset: offset, stage: stage,
                    reasonCode: reason, reasonDetail: "detail \(offset)", httpStatus: stage == "dispatch" ? 422 : nil),
                payload: CasePayload(
                    key: Data(order.utf8), value: Data("{\"n\":\(offset)}".utf8),
                    headers: [
                        CaseHeader(key: "dl-event-id", value: Data("e-\(offset)".utf8)),
                        CaseHeader(key: "dl-stage", value: Data(stage.utf8)),
                        CaseHeader(key: "dl-reason", value: Data("\(reason): detail".utf8)),
                        CaseHeader(key: "dl-orig-topic", value: Data("p.ingest.raw".utf8)),
                        CaseHeader(key: "dl-attempts", value: Data("3".utf8)),
                    ]))
        }
        let first = try await cases.recordCase(
            arrival("shopify:1", stage: "validate", reason: "unmapped-status", offset: 1))
        let second = try await cases.recordCase(
            arrival("amazon:2", stage: "dispatch", reason: "erp-refused", offset: 2))
        await store.close()
        return (first.caseID, second.caseID)
    }

    private func parse(_ arguments: [String]) throws -> any ParsableCommand {
        try DriftlessCommand.parseAsRoot(arguments + ["--ledger", ledgerURL])
    }

    private func list(_ arguments: [String]) async throws -> String {
        let command = try XCTUnwrap(try parse(["dlq", "list"] + arguments) as? DLQList)
        return try await command.execute()
    }

    func testListFiltersJSONShowAndDiscard() async throws {
        let ids = try await seed()
        let table = try await list([])
        XCTAssertTrue(table.contains("unmapped-status") && table.contains("erp-refused"), table)
        XCTAssertTrue(table.contains("2 cases"), table)

        let json = try await list(["--channel", "amazon", "--json"])
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        XCTAssertEqual(parsed.count, 1)
        XCTAssertEqual(parsed.first?["id"] as? Int, Int(ids.dispatch))
        XCTAssertEqual(parsed.first?["orderKey"] as? String, "amazon:2")
        for (filter, expected) in [
            (["--reason-code", "unmapped-status"], [ids.validate]), (["--reason-code", "erp-refused"], [ids.dispatch]),
            (["--stage", "dispatch"], [ids.dispatch]),
            (["--order", "shopify:1"], [ids.validate]), (["--state", "open"], [ids.validate, ids.dispatch]),
            (["--state", "resolved"], []), (["--since", "1h"], [ids.validate, ids.dispatch]),
            (["--since", "2100-01-01T00:00:00Z"], []),
        ] {
            let text = try await list(filter + ["--json"])
            let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
            XCTAssertEqual(rows.compactMap { ($0["id"] as? Int).map(Int64.init) }, expected, "\(filter)")
        }
        XCTAssertThrowsError(try parse(["dlq", "list", "--state", "nonsense"]))

        let show = try XCTUnwrap(try parse(["dlq", "show", String(ids.dispatch)]) as? DLQShow)
        let shown = try await show.execute()
        for expected in [
            "Case \(ids.dispatch): open", "erp-refused: detail 2", "HTTP 422", "p.quarantine[0]@2", "Trace:",
        ] {
            XCTAssertTrue(shown.contains(expected), "missing \(expected) in\n\(shown)")
        }

        XCTAssertThrowsError(try parse(["dlq", "discard", String(ids.dispatch)]), "discard requires --note")
        XCTAssertThrowsError(try parse(["dlq", "discard", String(ids.dispatch), "--note", "  "]))
        let discard = try XCTUnwrap(
            try parse(["dlq", "discard", String(ids.dispatch), "--note", "test order", "--who", "ana"]) as? DLQDiscard
        )
        let discarded = try await discard.execute()
        XCTAssertTrue(discarded.contains("discarded by ana: test order"), discarded)
        let again = try await discard.execute()
        XCTAssertTrue(again.contains("is discarded: nothing to discard"), again)
        // Who and why are on the order's trail too: one `discarded` audit row (none for the refused second try).
        let store = try await Ledger.open(url: ledgerURL)
        let trail = try await store.timeline(order: "amazon:2").filter { $0.hop == .discarded }
        await store.close()
        XCTAssertEqual(trail.count, 1)
        XCTAssertEqual(trail.first?.replica, "ana")
        XCTAssertEqual(trail.first?.detail, "case \(ids.dispatch) discarded by ana: test order")
        let listed = try await list(["--state", "discarded", "--json"])
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.compactMap { ($0["id"] as? Int).map(Int64.init) }, [ids.dispatch])
    }

    func testReplayDryRunThenThroughTheMockClusterThenSkipped() async throws {
        let broker = try TestBroker.mock()
        let topics = PipelineTopics(prefix: broker.uniqueName("dlq"))
        for topic in topics.stageTopics { try await broker.createTopic(named: topic, partitions: 1) }
        let ids = try await seed(quarantineTopic: topics.quarantine)
        let lines = Mutex<[String]>([])
        func replay(_ arguments: [String]) async throws -> String {
            let command = try XCTUnwrap(
                try parse(["dlq", "replay", "--topic-prefix", topics.prefix] + arguments) as? DLQReplay)
            return try await command.execute { line in lines.withLock { $0.append(line) } }
        }
        XCTAssertThrowsError(try parse(["dlq", "replay"]), "ids or filters are required")
        XCTAssertThrowsError(try parse(["dlq", "replay", "1", "--rate", "fast"]))

        // Dry run: no brokers are even given, nothing is marked.
        let dry = try await replay([String(ids.validate), "--dry-run"])
        XCTAssertTrue(dry.contains("would replay 1"), dry)
        XCTAssertTrue(lines.withLock { $0 }.contains { $0.contains("would replay → \(topics.ingestRaw)") })
        let stillOpen = try await list(["--state", "open", "--json"])
        XCTAssertTrue(stillOpen.contains("\"id\" : \(ids.validate)"), stillOpen)

        let done = try await replay([
            String(ids.validate), "--bootstrap", broker.bootstrapServers, "--who", "ana", "--note", "mapping v2",
            "--rate", "50/s",
        ])
        XCTAssertTrue(done.contains("replayed 1"), done)
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("read"), topics: [topics.ingestRaw])
        let records = try await broker.consume(consumer, count: 1)
        XCTAssertEqual(records.count, 1)
        let record = try XCTUnwrap(records.first)
        XCTAssertEqual(record.valueString, "{\"n\":1}", "the original value, unchanged")
        XCTAssertEqual(record.keyString, "shopify:1")
        XCTAssertEqual(record.header("dl-case-id")?.stringValue, String(ids.validate))
        XCTAssertEqual(record.header("dl-event-id")?.stringValue, "e-1")
        for stripped in ["dl-stage", "dl-reason", "dl-orig-topic", "dl-attempts"] {
            XCTAssertNil(record.header(stripped), "\(stripped) is removed on replay")
        }

        // Twice: the replayed case is skipped, and the summary says so.
        let twice = try await replay([String(ids.validate), "--bootstrap", broker.bootstrapServers])
        XCTAssertTrue(twice.contains("replayed 0") && twice.contains("skipped 1"), twice)
        let shown = try await list(["--state", "replayed", "--json"])
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.count, 1)
        let history = try XCTUnwrap(rows.first?["history"] as? [[String: Any]])
        XCTAssertEqual(history.last?["actor"] as? String, "ana", "who replayed")
        XCTAssertEqual(history.last?["reason"] as? String, "mapping v2", "why")
        XCTAssertEqual(history.last?["to"] as? String, "replayed")
    }
}

/// Replay progress: a bar redrawn in place on a terminal, plain lines otherwise.
final class ReplayProgressTests: XCTestCase {
    func testBarOnATerminalLinesOtherwise() {
        let written = Mutex<[String]>([])
        let bar = ReplayProgress(tty: true) { text in written.withLock { $0.append(text) } }
        bar.update(done: 1, total: 2, id: 7, result: .replayed(topic: "p.canonical"))
        bar.update(done: 2, total: 2, id: 8, result: .skipped(state: "resolved"))
        let drawn = written.withLock { $0 }
        XCTAssertTrue(drawn[0].hasPrefix("\r[" + String(repeating: "#", count: 15) + String(repeating: ".", count: 15)))
        XCTAssertTrue(drawn[0].contains("1/2  case 7: replayed → p.canonical"), drawn[0])
        XCTAssertTrue(drawn[1].hasSuffix("\n"), "the last update ends the line")
        let plain = Mutex<[String]>([])
        let lines = ReplayProgress(tty: false) { text in plain.withLock { $0.append(text) } }
        lines.update(done: 1, total: 1, id: 9, result: .failed("no topic"))
        XCTAssertEqual(plain.withLock { $0 }, ["case 9: FAILED: no topic\n"])
    }
}
