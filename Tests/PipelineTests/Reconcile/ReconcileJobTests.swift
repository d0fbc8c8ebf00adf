import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import Synchronization
import XCTest

@testable import Pipeline

/// The reconciliation job end to end: storefront and ERP simulators seeded with the five patterns,
/// orders in sync and other drift; the pipeline (validate → translate → dispatch on the mock cluster,
/// into the ERP simulator) applies what reconciliation injects.
final class ReconcileJobTests: XCTestCase {
    final class Sent: Sendable {
        let records = Mutex<[ProducerRecord]>([])
    }

    struct Rig: Sendable {
        let storefront: StorefrontSimulator
        let testERP: TestERP
        let sync: ERPSync
        var erp: ERPSimulator { testERP.simulator }
        var scenario: ReconcileScenario

        /// Stops both simulators.
        func stop() async {
            await storefront.stop()
            await erp.stop()
        }
    }

    static func quiet(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }

    static func rig(graphQL: StorefrontGraphQLSettings) async throws -> Rig {
        let storefront = try await StorefrontSimulator.start(graphQL: graphQL, logger: Self.quiet("storefront"))
        let erp = try await TestERP.start()
        let sync = try erp.sync()
        var scenario = try ReconcileScenario(store: storefront.store, sync: sync)
        try await scenario.seed()
        return Rig(storefront: storefront, testERP: erp, sync: sync, scenario: scenario)
    }

    static func job(
        _ rig: Rig, ledger: any ReconcileLedger, topics: PipelineTopics, dryRun: Bool = false,
        alerts: AlertEngine? = nil, now: Date, sent: Sent, producer: KafkaProducer?, owner: String = "test"
    ) throws -> ReconcileJob {
        let stats = ReconcileAPIStats()
        let storefront = try ShopifyOrdersReader(
            configuration: ShopifyAdminConfiguration(
                baseURL: rig.storefront.server.baseURL, accessToken: Secret("shpat_test"), pageSize: 3),
            stats: stats)
        return ReconcileJob(
            settings: ReconcileSettings(dryRun: dryRun, owner: owner), channels: [storefront],
            erp: ERPViewReader(sync: rig.sync, stats: stats), stats: stats, matrix: try MappingMatrix.default,
            ledger: ledger, topics: topics,
            send: { records in
                sent.records.withLock { $0 += records }
                if let producer { _ = try await producer.send(records) }
            }, alerts: alerts, logger: Self.quiet("reconcile"), clock: { now })
    }

    private func expectedCounts(_ expected: [String: String]) -> [String: Int] {
        expected.values.filter { $0 != ReconcileScenario.inSync }.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    func testFindsClassifiesCorrectsAndFlagsThenASecondRunFindsOnlyTheFlaggedOnMockCluster() async throws {
        try await runEndToEnd(broker: try TestBroker.mock())
    }

    func testFindsClassifiesCorrectsAndFlagsThenASecondRunFindsOnlyTheFlaggedOnTansu() async throws {
        guard let broker = try TestBroker.tansu() else {
            throw XCTSkip("DRIFTLESS_TEST_BOOTSTRAP unset and DRIFTLESS_ALLOW_MISSING_SERVICES=1")
        }
        try await runEndToEnd(broker: broker)
    }

    private func runEndToEnd(broker: TestBroker) async throws {
        let rig = try await Self.rig(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await rig.stop() } }
        let erpConfiguration = rig.testERP.configuration()
        let fixture = try await PipelineFixture.start(
            broker: broker, stages: [.validate, .translate, .dispatch]
        ) { $0.erp = erpConfiguration }
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let ledger = try XCTUnwrap(fixture.ledger as? any ReconcileLedger)
        let producer = try KafkaProducer(config: broker.config())
        let now = await rig.storefront.store.now().addingTimeInterval(60)
        let engine = AlertEngine(started: now)
        let sent = Sent()
        let expected = rig.scenario.expected
        XCTAssertEqual(expected.count, 8)

        // Dry run: the same findings, nothing changed.
        let writesBefore = await rig.erp.store.appliedWrites
        let dry = try await Self.job(
            rig, ledger: ledger, topics: fixture.topics, dryRun: true, alerts: engine, now: now, sent: sent,
            producer: producer
        ).run()
        XCTAssertEqual(dry.result, "drift-found", dry.text)
        XCTAssertEqual(dry.compared, 8)
        XCTAssertEqual(dry.classifications.mapValues(\.found), expectedCounts(expected))
        XCTAssertEqual(dry.classifications.values.map(\.corrected).reduce(0, +), 0)
        XCTAssertEqual(sent.records.withLock { $0.count }, 0, "a dry run produces nothing")
        let casesAfterDry = try await ledger.cases(CaseQuery())
        XCTAssertEqual(casesAfterDry.count, 0, "a dry run opens no case")
        let findingsAfterDry = try await ledger.findings(runID: nil, since: nil, limit: 100)
        XCTAssertEqual(findingsAfterDry.count, 0)
        let writesAfterDry = await rig.erp.store.appliedWrites
        XCTAssertEqual(writesAfterDry, writesBefore)

        // First run: six findings, each classified; four corrected through the pipeline, two flagged.
        let first = try await Self.job(
            rig, ledger: ledger, topics: fixture.topics, alerts: engine, now: now, sent: sent, producer: producer
        ).run()
        XCTAssertEqual(first.result, "drift-found", first.text)
        XCTAssertEqual(first.compared, 8)
        XCTAssertEqual(first.inSync, 2)
        XCTAssertEqual(first.classifications.mapValues(\.found), expectedCounts(expected))
        for pattern in [MismatchPattern.checkoutDisconnect, .shipmentLag, .returnDisconnect, .paymentGap] {
            XCTAssertEqual(first.classifications[ReconcilePolicy.name(of: pattern)]?.corrected, 1, "\(pattern)")
        }
        XCTAssertEqual(first.classifications[ReconcilePolicy.name(of: .silentCancellation)]?.flagged, 1)
        XCTAssertEqual(first.classifications["other-drift"]?.flagged, 1)
        XCTAssertEqual(first.apiCalls["storefront"], 3, "8 orders, 3 a page")
        let findings = try await ledger.findings(runID: first.runID, since: nil, limit: 100)
        XCTAssertEqual(
            Dictionary(uniqueKeysWithValues: findings.map { ($0.orderKey, $0.classification) }),
            expected.filter { $0.value != ReconcileScenario.inSync })
        // Each correction: the channel's truth to ingest, and the repair (the merged order) to dispatch.
        let injected = sent.records.withLock { $0 }
        XCTAssertEqual(injected.count, 8)
        XCTAssertEqual(injected.filter { $0.topic == fixture.topics.ingestRaw }.count, 4)
        XCTAssertEqual(injected.filter { $0.topic == fixture.topics.canonical }.count, 4)
        XCTAssertEqual(Set(findings.compactMap { $0.eventID.map { String($0.prefix(7)) } }), ["repair:"])
        let cases = try await ledger.cases(CaseQuery())
        XCTAssertEqual(
            Set(cases.map(\.orderKey)),
            Set(expected.filter { $0.value == "other-drift" || $0.value.hasPrefix("pattern-4") }.keys))

        // The pipeline applies the injected truths. "Repaired" is judged by re-reading the ERP
        // simulator's own records through the independent oracle, not by another reconcile run.
        var corrected: [OracleExpectation] = []
        for (key, name) in expected
        where name != ReconcileScenario.inSync && name != "other-drift"
            && !name.hasPrefix("pattern-4")
        {
            guard let id = Int64(key.dropFirst("shopify:".count)), let order = await rig.storefront.store.order(id)
            else { return XCTFail("no storefront order \(key)") }
            corrected.append(try ERPOracle.expectation(shopify: order))
        }
        let repairs = corrected
        let erpStore = rig.erp.store
        let settled = await waitMakingProgress(
            progress: { await erpStore.appliedWrites },
            until: {
                await OracleChecker.check(repairs, store: erpStore).wrongOrders.isEmpty
            })
        XCTAssertTrue(settled.isDone, "the corrected orders reach the ERP: \(settled)")
        let second = try await Self.job(
            rig, ledger: ledger, topics: fixture.topics, alerts: engine, now: now.addingTimeInterval(60), sent: sent,
            producer: producer
        ).run()
        XCTAssertEqual(second.inSync, 6, second.text)
        XCTAssertEqual(
            second.classifications.mapValues(\.flagged),
            [ReconcilePolicy.name(of: .silentCancellation): 1, "other-drift": 1])
        XCTAssertEqual(sent.records.withLock { $0.count }, 8, "nothing injected the second time")
        XCTAssertEqual(second.repairsConfirmed, 4, second.text)
        // The ERP simulator's own records, through the independent oracle: the corrected orders are right.
        let oracle = await OracleChecker.check(corrected, store: rig.erp.store)
        XCTAssertEqual(oracle.orders.count, 4)
        XCTAssertEqual(oracle.wrongOrders.map(\.orderKey), [], oracle.details())
        let casesAfter = try await ledger.cases(CaseQuery())
        XCTAssertEqual(casesAfter.count, 2, "the same drift does not open a second case")
        let duplicates = await rig.erp.store.duplicateEffects
        XCTAssertEqual(duplicates, 0)

        // Eight findings within the hour: the mismatch rule fired exactly once.
        engine.finish()
        var fired = 0
        for await action in engine.actions {
            if case .deliver(let notice) = action, notice.rule == .mismatches, notice.transition == .fired {
                fired += 1
            }
        }
        XCTAssertEqual(fired, 1)
        await producer.close()
        try await fixture.stop()
    }
}
