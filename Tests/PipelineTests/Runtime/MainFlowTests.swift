import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Pipeline
import Simulators
import XCTest

/// Webhooks → ingest → validate → translate → ledger/canonical → dispatch → ERP (simulator),
/// shuffled, duplicated and late. The ERP is judged by the independent oracle (`ERPOracle`, from the
/// storefront's final orders), not by the product's mapping or planner.
final class MainFlowTests: XCTestCase {
    /// 200 orders (`DRIFTLESS_TEST_MAINFLOW_ORDERS` overrides; the 1,000-order flow at a steady rate
    /// is `DispatchBenchmarks`' pipeline-to-ERP scenario).
    func testShuffledDuplicatedLateWebhooksReachInOrderStateOnMockCluster() async throws {
        let orders = Int(ProcessInfo.processInfo.environment["DRIFTLESS_TEST_MAINFLOW_ORDERS"] ?? "") ?? 200
        try await runMainFlow(broker: try TestBroker.mock(brokers: 1), orders: orders)
    }

    func testShuffledDuplicatedLateWebhooksReachInOrderStateOnTansu() async throws {
        guard let broker = try TestBroker.tansu() else {
            throw XCTSkip("DRIFTLESS_TEST_BOOTSTRAP unset and DRIFTLESS_ALLOW_MISSING_SERVICES=1")
        }
        let orders = Int(ProcessInfo.processInfo.environment["DRIFTLESS_TEST_TANSU_ORDERS"] ?? "") ?? 200
        try await runMainFlow(broker: broker, orders: orders)
    }

    private func runMainFlow(broker: TestBroker, orders: Int) async throws {
        let started = ContinuousClock.now
        let testERP = try await TestERP.start()
        let erp = testERP.simulator
        let fixture = try await PipelineFixture.start(broker: broker) { $0.erp = testERP.configuration() }
        let store = StorefrontStore(seed: 99)
        let deliveries = try await makeLifecycles(store: store, orders: orders)
        let expected = try inOrderExpectation(deliveries)
        XCTAssertEqual(expected.count, orders)

        let deliverer = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.secret)
        let plan = WebhookFaultPlan(shuffle: true, duplicateFraction: 0.10, lateFraction: 0.05, seed: 5)
        let outcome = await deliverer.send(deliveries, plan: plan, concurrency: 16)
        let sendTime = ContinuousClock.now - started
        let delivered = await deliverer.stats.delivered
        XCTAssertEqual(delivered, outcome.schedule.count, "every delivery got a 2xx")
        XCTAssertGreaterThan(outcome.duplicated.count, deliveries.count / 20)
        XCTAssertGreaterThan(outcome.late.count, deliveries.count / 40)

        let keys = expected.keys.sorted()
        let ledger = fixture.ledger
        @Sendable func settledOrders() async throws -> Int {
            let states = try await ledger.loadStates(orders: keys)
            let actual = Dictionary(states.map { ($0.orderKey, $0.state) }, uniquingKeysWith: { a, _ in a })
            return keys.filter { actual[$0] == expected[$0]?.rawValue }.count
        }
        let converged = try await waitMakingProgress(
            progress: { try await settledOrders() },
            until: {
                try await settledOrders() == keys.count
            }
        ).isDone
        let states = try await ledger.loadStates(orders: keys)
        let actual = Dictionary(states.map { ($0.orderKey, $0.state) }, uniquingKeysWith: { a, _ in a })
        let wrong = keys.filter { actual[$0] != expected[$0]?.rawValue }
        XCTAssertTrue(
            converged,
            "\(wrong.count) orders differ, e.g. \(wrong.prefix(3).map { "\($0): \(actual[$0] ?? "nil") ≠ \(expected[$0]?.rawValue ?? "")" })"
        )
        // The ERP holds what the oracle computes from the storefront's final orders: every effect
        // once, nothing extra, each sales order in the status the final order implies.
        let expectations = try await store.allOrders().map { try ERPOracle.expectation(shopify: $0) }
        XCTAssertEqual(expectations.count, orders)
        let erpStore = erp.store
        let judged = await waitMakingProgress(
            progress: { await erpStore.appliedWrites },
            until: {
                await OracleChecker.check(expectations, store: erpStore).passed
            })
        let verdict = await OracleChecker.check(expectations, store: erpStore)
        XCTAssertTrue(judged.isDone && verdict.passed, "\(judged): \(verdict.details())")
        let duplicates = await erpStore.duplicateEffects
        let regressions = await erpStore.versionRegressions
        XCTAssertEqual(duplicates, 0)
        XCTAssertEqual(regressions, 0)
        let status = try await getText(fixture.baseURL + "/status")
        XCTAssertTrue(status.text.contains("\"erp\":\"closed\""), status.text)
        let total = ContinuousClock.now - started
        try await fixture.stop()
        await erp.stop()

        // Duplicates and stale events are visible as such.
        let reopened = try await Ledger.open(
            url: "sqlite://" + fixture.directory.appendingPathComponent("ledger.db").path)
        let rows = try await fixture.audit([.received, .deduped, .duplicate, .stale, .translated], in: reopened)
        let count = { (hop: AuditHop) in rows.filter { $0.hop == hop }.count }
        XCTAssertGreaterThan(count(.deduped), 0, "redelivered webhook ids deduped at ingest")
        XCTAssertGreaterThan(count(.stale), 0, "late events recorded as stale")
        XCTAssertGreaterThan(count(.duplicate), 0, "same-content deliveries recorded as duplicates")
        XCTAssertEqual(
            count(.received), Set(rows.filter { $0.hop == .received }.map(\.eventID)).count,
            "one received row per webhook id")
        let translatedIDs = rows.filter { $0.hop == .translated }.map(\.eventID)
        XCTAssertEqual(translatedIDs.count, Set(translatedIDs).count, "no event translated twice")
        await reopened.close()
        try? FileManager.default.removeItem(at: fixture.directory)
        print(
            "main flow [\(broker.kind)]: \(deliveries.count) webhooks (+\(outcome.duplicated.count) duplicates, "
                + "\(outcome.late.count) late) over \(orders) orders; sent in \(sendTime), converged in \(total)")
    }
}
