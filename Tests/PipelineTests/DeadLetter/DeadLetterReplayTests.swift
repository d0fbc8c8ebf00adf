import DriftlessTesting
import Foundation
import Kafka
import Ledger
import OrderModel
import Pipeline
import Simulators
import XCTest

/// The playbook's step 3 loop: an unmapped status is quarantined by the real validate stage and
/// becomes a case; the mapping is extended, the pipeline restarted with it, the case replayed — the
/// order reaches the right canonical state and the case is resolved. Replaying again does nothing.
final class DeadLetterReplayTests: XCTestCase {
    func testUnmappedStatusReplayedAfterMappingExtendedIsResolved() async throws {
        let broker = try TestBroker.mock()
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-replay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = broker.uniqueName("dl")
        let defaultYAML = try XCTUnwrap(MappingMatrix.defaultYAML)
        let original = directory.appendingPathComponent("mapping-v1.yaml")
        try Data(defaultYAML.utf8).write(to: original)
        let stages: Set<StageName> = [.validate, .translate, .deadLetter]

        // An order created unpaid, then put on a financial status the mapping does not know.
        let storefront = StorefrontStore(seed: 12)
        let (id, created) = await storefront.createOrder(paid: false)
        let held = try await storefront.apply(.setFinancialStatus("on_hold_for_review"), to: id)
        let orderKey = "shopify:\(id)"
        var fixture = try await PipelineFixture.start(
            broker: broker, stages: stages, prefix: prefix, ledgerDirectory: directory
        ) { $0.mappingFile = original.path }
        let producer = try KafkaProducer(config: broker.config())
        for delivery in created + held {
            _ = try await producer.send(try ingestRecord(delivery, topic: fixture.topics.ingestRaw).record)
        }
        let firstCases = try XCTUnwrap(fixture.ledger as? any LedgerStore & CaseStore)
        let quarantined = try await eventually {
            try await firstCases.cases(CaseQuery(orderKey: orderKey, reasonCode: "unmapped-status")).count == 1
        }
        XCTAssertTrue(quarantined, "the unmapped status became a case")
        // The creation takes the other path (translate), which may land after the quarantine's case.
        let firstLedger = fixture.ledger
        let translated = try await eventually {
            try await firstLedger.loadState(order: orderKey, system: "shopify") != nil
        }
        XCTAssertTrue(translated, "the order's creation was translated")
        let before = try await fixture.ledger.loadState(order: orderKey, system: "shopify")
        XCTAssertEqual(before?.state, CanonicalState.pendingPayment.rawValue)
        let found = try await firstCases.cases(CaseQuery(orderKey: orderKey))
        let opened = try XCTUnwrap(found.first)
        XCTAssertEqual(opened.state, .open)
        XCTAssertEqual(opened.provenance.stage, "validate")
        XCTAssertEqual(CaseReplay.topic(for: opened, topics: fixture.topics), fixture.topics.ingestRaw)

        // Replayed before the mapping is fixed: it fails again and comes back to the same case, open.
        let early = CaseReplayer(
            cases: firstCases, ledger: fixture.ledger, sink: producer, topics: fixture.topics, actor: "bo")
        let tooEarly = await early.replay([opened])
        XCTAssertEqual(tooEarly.results.map(\.result), [.replayed(topic: fixture.topics.ingestRaw)])
        let cameBack = try await eventually { try await firstCases.loadCase(id: opened.id)?.occurrences == 2 }
        XCTAssertTrue(cameBack, "the replayed record, quarantined again, reopens its case")
        let reopenedCases = try await firstCases.cases(CaseQuery(orderKey: orderKey))
        XCTAssertEqual(reopenedCases.map(\.id), [opened.id], "no second case")
        XCTAssertEqual(reopenedCases.first?.state, .open)
        XCTAssertEqual(reopenedCases.first?.history.map(\.to), [.open, .replayed, .open])
        try await fixture.stop()

        // Step 3: extend the mapping (version 2) and restart the pipeline with it.
        let extended = defaultYAML.replacingOccurrences(of: "version: 1\n", with: "version: 2\n")
            .replacingOccurrences(
                of: "    expired:            { payment: expired, canonical: PAYMENT_VOIDED }\n",
                with: """
                        expired:            { payment: expired, canonical: PAYMENT_VOIDED }
                        on_hold_for_review: { payment: authorized, canonical: PAYMENT_AUTHORIZED }

                    """)
        XCTAssertNotEqual(extended, defaultYAML)
        let mappingV2 = directory.appendingPathComponent("mapping-v2.yaml")
        try Data(extended.utf8).write(to: mappingV2)
        fixture = try await PipelineFixture.start(
            broker: broker, stages: stages, prefix: prefix, ledgerDirectory: directory
        ) { $0.mappingFile = mappingV2.path }
        let cases = try XCTUnwrap(fixture.ledger as? any LedgerStore & CaseStore)

        let current = try XCTUnwrap(reopenedCases.first)
        // A dry run produces and marks nothing.
        let dry = CaseReplayer(
            cases: cases, ledger: fixture.ledger, sink: nil, topics: fixture.topics, actor: "test")
        let dryRun = await dry.replay([current])
        XCTAssertEqual(dryRun.results.map(\.result), [.wouldReplay(topic: fixture.topics.ingestRaw)])
        let stillOpen = try await cases.loadCase(id: opened.id)
        XCTAssertEqual(stillOpen?.state, .open)

        let replayer = CaseReplayer(
            cases: cases, ledger: fixture.ledger, sink: producer, topics: fixture.topics, actor: "ana",
            reason: "mapping v2")
        let summary = await replayer.replay([current])
        XCTAssertEqual(summary.results.map(\.result), [.replayed(topic: fixture.topics.ingestRaw)])
        let resolved = try await eventually { try await cases.loadCase(id: opened.id)?.state == .resolved }
        XCTAssertTrue(resolved, "the case is resolved once the replayed event got through validate")
        let after = try await fixture.ledger.loadState(order: orderKey, system: "shopify")
        XCTAssertEqual(after?.state, CanonicalState.paymentAuthorized.rawValue, "the order's state is right")
        let loaded = try await cases.loadCase(id: opened.id)
        let final = try XCTUnwrap(loaded)
        XCTAssertEqual(final.history.map(\.to), [.open, .replayed, .open, .replayed, .resolved])
        XCTAssertEqual(final.history[3].actor, "ana")
        XCTAssertEqual(final.history[3].reason, "mapping v2")
        XCTAssertEqual(final.occurrences, 2, "the second replay did not fail again")

        // Replaying again does nothing: the case is resolved.
        let again = await replayer.replay([final])
        XCTAssertEqual(again.results.map(\.result), [.skipped(state: "resolved")])
        XCTAssertEqual(again.replayed, 0)
        let open = try await cases.openCaseCount()
        XCTAssertEqual(open, 0)
        let canonical = try await fixture.audit([.translated]).filter { $0.orderKey == orderKey }
        XCTAssertEqual(canonical.last?.toState, CanonicalState.paymentAuthorized.rawValue)

        await producer.close()
        try await fixture.stop()
    }
}
