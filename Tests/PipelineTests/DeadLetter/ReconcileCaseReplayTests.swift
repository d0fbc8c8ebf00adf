import DriftlessTesting
import Foundation
import Kafka
import Ledger
import OrderModel
import Simulators
import Synchronization
import XCTest

@testable import Pipeline

/// Replaying reconciliation's flagged cases (`driftless dlq replay`): the channel's current truth is
/// read again and re-enters `<p>.ingest.raw` under the case's event id with `dl-case-id` (the
/// pipeline applies it, the case resolves, a forced second replay changes nothing); a case whose
/// order is in sync again by then is resolved without a record.
final class ReconcileCaseReplayTests: XCTestCase {
    func testFlaggedCasesReplayTheChannelsCurrentTruthOrResolveWhenInSync() async throws {
        let storefront = try await StorefrontSimulator.start(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity),
            logger: ReconcileJobTests.quiet("storefront"))
        let testERP = try await TestERP.start(logger: ReconcileJobTests.quiet("erp"))
        let erp = testERP.simulator
        defer {
            Task {
                await storefront.stop()
                await erp.stop()
            }
        }
        let erpConfiguration = testERP.configuration()
        let client = try ERPClient(configuration: erpConfiguration)
        let sync = ERPSync(client: client)
        let scenario = try ReconcileScenario(store: storefront.store, sync: sync)
        // Two orders cancelled on the storefront whose cancellation the ERP never got (Pattern 4: flagged).
        var cancelled: [Int64] = []
        for _ in 0..<2 {
            let id = try await scenario.paidOrder()
            try await scenario.seedERP(id)
            _ = try await storefront.store.apply(.cancel(reason: "customer"), to: id)
            cancelled.append(id)
        }
        let broker = try TestBroker.mock()
        let fixture = try await PipelineFixture.start(broker: broker, stages: [.validate, .translate, .dispatch]) {
            $0.erp = erpConfiguration
        }
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let ledger = try XCTUnwrap(fixture.ledger as? any ReconcileLedger)
        let producer = try KafkaProducer(config: broker.config())
        let now = await storefront.store.now().addingTimeInterval(60)
        let stats = ReconcileAPIStats()
        let reader = try ShopifyOrdersReader(
            configuration: ShopifyAdminConfiguration(
                baseURL: storefront.server.baseURL, accessToken: Secret("shpat_test")),
            stats: stats)
        let erpReader = ERPViewReader(sync: sync, stats: stats)
        let report = await ReconcileJob(
            settings: ReconcileSettings(owner: "test"), channels: [reader], erp: erpReader, stats: stats,
            matrix: try MappingMatrix.default, ledger: ledger, topics: fixture.topics,
            send: { _ = try await producer.send($0) }, logger: ReconcileJobTests.quiet("reconcile"), clock: { now }
        ).run()
        XCTAssertEqual(report.classifications[ReconcilePolicy.name(of: .silentCancellation)]?.flagged, 2, report.text)
        let flagged = try await ledger.cases(CaseQuery(stage: ReconcileCaseCheck.stage))
        XCTAssertEqual(flagged.count, 2)
        let first = try XCTUnwrap(flagged.first { $0.orderKey == "shopify:\(cancelled[0])" })
        let second = try XCTUnwrap(flagged.first { $0.orderKey == "shopify:\(cancelled[1])" })

        // Meanwhile the customer's note changed the storefront order: the replay carries that, not the snapshot.
        let current = try await storefront.store.edit(cancelled[0]) { $0.note = Nullable("refund on its way") }
        let check = ReconcileCaseCheck(channels: [reader], erp: erpReader, matrix: try MappingMatrix.default)
        let sent = RecordingSink(producer: producer)
        let replayer = CaseReplayer(
            cases: ledger, ledger: ledger, sink: sent, topics: fixture.topics, actor: "ops", reconcile: check)
        let summary = await replayer.replay([first])
        XCTAssertEqual(summary.results.map(\.result), [.replayed(topic: fixture.topics.ingestRaw)])
        let record = try XCTUnwrap(sent.records.first)
        let envelope = try Envelope(headers: record.headers)
        XCTAssertEqual(envelope.eventID, first.eventID, "the case's event id: a second replay is a duplicate")
        XCTAssertEqual(record.headers.first { $0.key == EnvelopeHeader.caseID }?.value, Array("\(first.id)".utf8))
        XCTAssertEqual(envelope.sourceTimestamp, RFC3339.parse(current.updatedAt))
        let payload = try ShopifyOrder.decode(from: record.value ?? [])
        XCTAssertEqual(payload.updatedAt, RFC3339.parse(current.updatedAt), "the channel's current order, read again")

        // The pipeline applies it (the ERP holds the cancellation back: status C) and the case resolves.
        let resolver = CaseResolver(cases: ledger, ledger: fixture.ledger, logger: ReconcileJobTests.quiet("resolver"))
        let resolved = try await eventually(timeout: .seconds(60)) {
            try await resolver.resolveOnce()
            return try await ledger.cases(CaseQuery(ids: [first.id])).first?.state == .resolved
        }
        XCTAssertTrue(resolved, "the replayed truth got through and the case resolved")
        let settled = try await eventually(timeout: .seconds(30)) {
            if case .inSync = try await check.check(first) { return true }
            return false
        }
        XCTAssertTrue(settled, "the order is in sync after the replay")
        let writes = await erp.store.appliedWrites
        let forced = await CaseReplayer(
            cases: ledger, ledger: ledger, sink: sent, topics: fixture.topics, actor: "ops", force: true,
            reconcile: check
        ).replay(try await ledger.cases(CaseQuery(ids: [first.id])))
        XCTAssertEqual(forced.results.map(\.result), [.resolvedInSync], "re-checked: nothing to send")
        XCTAssertEqual(sent.records.count, 1)

        // The second order is fixed by hand in the ERP before anyone replays it: resolved, nothing sent.
        guard case .found(let view) = await sync.view(of: OrderKey(channel: .shopify, orderID: String(cancelled[1])))
        else { return XCTFail("no sales order") }
        // (NetSuite cancels by the record action, not by writing a status.)
        let patched = await client.action("salesOrder", id: view.salesOrderID, "cancel")
        guard case .done = patched else { return XCTFail("\(patched)") }
        let dry = await CaseReplayer(
            cases: ledger, ledger: ledger, sink: nil, topics: fixture.topics, actor: "ops", reconcile: check
        ).replay([second])
        XCTAssertEqual(dry.results.map(\.result), [.resolvedInSync])
        let afterDry = try await ledger.cases(CaseQuery(ids: [second.id]))
        XCTAssertEqual(afterDry.first?.state, .open, "a dry run changes nothing")
        let fixed = await replayer.replay([second])
        XCTAssertEqual(fixed.results.map(\.result), [.resolvedInSync])
        let afterFix = try await ledger.cases(CaseQuery(ids: [second.id]))
        XCTAssertEqual(afterFix.first?.state, .resolved)
        XCTAssertEqual(sent.records.count, 1, "nothing produced for an order in sync")
        let duplicates = await erp.store.duplicateEffects
        XCTAssertEqual(duplicates, 0)
        let writesAfter = await erp.store.appliedWrites
        XCTAssertEqual(writesAfter, writes + 1, "only the hand-made fix")

        // Without the read APIs a reconciliation case is not replayed from its stale snapshot.
        let blind = await CaseReplayer(cases: ledger, ledger: ledger, sink: sent, topics: fixture.topics, actor: "ops")
            .replay([first])
        guard case .failed = blind.results.first?.result else { return XCTFail("\(blind.results)") }
        await producer.close()
        try await fixture.stop()
    }
}

/// A record sink that keeps what it sent and passes it on to the producer.
final class RecordingSink: RecordSink, Sendable {
    let producer: KafkaProducer
    private let sent = Mutex<[ProducerRecord]>([])

    init(producer: KafkaProducer) { self.producer = producer }

    var records: [ProducerRecord] { sent.withLock { $0 } }

    func send(_ record: ProducerRecord) async throws -> DeliveryReport {
        sent.withLock { $0.append(record) }
        return try await producer.send(record)
    }

    func send(_ records: [ProducerRecord]) async throws -> [DeliveryReport] {
        sent.withLock { $0 += records }
        return try await producer.send(records)
    }
}
