import Foundation
import Ledger
import OrderModel
import Simulators
import Synchronization
import XCTest

@testable import Pipeline

/// The ERP-side sweep: orders changed in the window only in the ERP (a manual edit; the channel last
/// changed before the window) are found through the ERP's `lastModifiedDate` list, their channel truth
/// read by id (Shopify GraphQL `id:` search, getOrders `AmazonOrderIds`) and classified.
final class ReconcileERPSweepTests: XCTestCase {
    final class Clock: Sendable {
        let date: Mutex<Date>
        init(_ date: Date) { self.date = Mutex(date) }
        var now: Date { date.withLock { $0 } }
        func set(_ value: Date) { date.withLock { $0 = value } }
    }

    func testOrdersChangedOnlyInTheERPAreFoundAndClassified() async throws {
        // Every storefront change moves its clock by 30 min; the ERP's clock is set by hand.
        let store = StorefrontStore(tick: 1800)
        let start = await store.now()
        let erpClock = Clock(start)
        let storefront = try await StorefrontSimulator.start(
            store: store, graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity),
            logger: ReconcileJobTests.quiet("storefront"))
        let market = MarketplaceStore()
        let simulator = try await MarketplaceSimulator.start(
            store: market, rate: 1000, burst: 1000, logger: ReconcileJobTests.quiet("marketplace"))
        let testERP = try await TestERP.start(
            store: ERPStore(now: { erpClock.now }), logger: ReconcileJobTests.quiet("erp"))
        let erp = testERP.simulator
        defer {
            Task {
                await storefront.stop()
                await simulator.stop()
                await erp.stop()
            }
        }
        let client = try ERPClient(configuration: testERP.configuration())
        let sync = ERPSync(client: client)
        let scenario = try ReconcileScenario(store: store, sync: sync)

        // Before the window: four storefront orders and one marketplace order, all in the ERP.
        let cancelled = try await scenario.paidOrder()
        try await scenario.seedERP(cancelled)
        // Cancelled on the storefront, that webhook lost: the ERP still holds the paid order (NetSuite
        // ships nothing from a cancelled order, so the clerk's fulfilment below needs it open).
        _ = try await store.apply(.cancel(reason: "customer"), to: cancelled)
        // Paid on the storefront before the window, that webhook lost: the ERP still waits for the payment.
        let pending = await store.createOrder(paid: false).id
        try await scenario.seedERP(pending)
        _ = try await store.apply(.pay, to: pending)
        try await scenario.addCapture(pending)
        let memo = try await scenario.paidOrder()
        try await scenario.seedERP(memo)
        let late = try await scenario.paidOrder()
        try await scenario.seedERP(late)
        let amazon = await market.createOrder(status: "Unshipped", at: start)
        let amazonDocument = await market.order(amazon)
        try await seedERP(amazon: try XCTUnwrap(amazonDocument), sync: sync)
        // In the window: one storefront order changes (the channels' pages bring it).
        let recent = try await scenario.paidOrder()
        for _ in 0..<5 { _ = try await store.edit(recent) { _ in } }
        let now = await store.now().addingTimeInterval(60)
        erpClock.set(now.addingTimeInterval(-120))
        try await scenario.seedERP(recent)

        // Manual ERP edits in the window; the channels did not change.
        try await fulfil(client, sync, .shopify, String(cancelled))  // fulfilled by hand, not billed
        // Sent back to Pending Approval.
        try await patch(client, sync, .shopify, String(pending), ["orderStatus": ["id": "A"], "memo": "on hold"])
        try await patch(client, sync, .shopify, String(memo), ["memo": "called the customer"])  // still in sync
        try await cancel(client, sync, .amazon, amazon)  // cancelled in the ERP only
        let orphan = await client.upsert(
            "salesOrder", externalId: "so-shopify-999",
            body: try JSONSerialization.data(withJSONObject: ["orderStatus": "B"]))
        let foreign = await client.upsert(
            "salesOrder", externalId: "legacy-7", body: try JSONSerialization.data(withJSONObject: ["orderStatus": "B"])
        )
        XCTAssertTrue(outcomeIsDone(orphan) && outcomeIsDone(foreign))
        // After the window's end: left for the next run.
        erpClock.set(now.addingTimeInterval(600))
        try await patch(client, sync, .shopify, String(late), ["orderStatus": ["id": "A"]])

        let stats = ReconcileAPIStats()
        let ledger = try await Ledger.open(url: "sqlite::memory:")
        defer { Task { await ledger.close() } }
        let reconcileLedger = try XCTUnwrap(ledger as? any ReconcileLedger)
        let sent = ReconcileJobTests.Sent()
        let metrics = ReconcileMetrics(alerts: AlertConfiguration())
        let job = ReconcileJob(
            settings: ReconcileSettings(window: .seconds(7200), owner: "test"),
            channels: [
                try ShopifyOrdersReader(
                    configuration: ShopifyAdminConfiguration(
                        baseURL: storefront.server.baseURL, accessToken: Secret("shpat_test"), pageSize: 3),
                    stats: stats),
                MarketplaceOrdersReader(
                    baseURL: simulator.server.baseURL, marketplaceID: "ATVPDKIKX0DER", pageSize: 10, stats: stats),
            ],
            erp: ERPViewReader(sync: sync, stats: stats), stats: stats, matrix: try MappingMatrix.default,
            ledger: reconcileLedger, topics: PipelineTopics(),
            send: { records in sent.records.withLock { $0 += records } }, metrics: metrics.metrics,
            alerts: metrics.engine, logger: ReconcileJobTests.quiet("reconcile"), clock: { now })
        let report = await job.run()
        XCTAssertEqual(report.result, "drift-found", report.text)
        XCTAssertEqual(report.compared, 5, "the recent order through the storefront's pages, four through the ERP's")
        XCTAssertEqual(report.erpOnlyCompared, 4, report.text)
        XCTAssertEqual(report.inSync, 2, "the recent order and the memo edit")
        XCTAssertEqual(report.notInChannel, 1, "so-shopify-999")
        XCTAssertEqual(report.erpListed, 8, "eight sales orders modified since the window's start, each counted once")
        let findings = try await reconcileLedger.findings(runID: report.runID, since: nil, limit: 10)
        XCTAssertEqual(
            Dictionary(uniqueKeysWithValues: findings.map { ($0.orderKey, $0.classification) }),
            [
                "shopify:\(cancelled)": ReconcilePolicy.name(of: .silentCancellation),
                "shopify:\(pending)": ReconcilePolicy.name(of: .paymentGap),
                "amazon:\(amazon)": "other-drift",
            ], report.text)
        XCTAssertEqual(
            sent.records.withLock { $0.map { "\($0.topic) \(String(decoding: $0.key ?? [], as: UTF8.self))" } },
            ["\(PipelineTopics().ingestRaw) shopify:\(pending)", "\(PipelineTopics().canonical) shopify:\(pending)"],
            "the unpaid order's channel truth is injected and its repair sent (Pattern 5 is auto-corrected)")
        let cases = try await reconcileLedger.cases(CaseQuery())
        XCTAssertEqual(Set(cases.map(\.orderKey)), ["shopify:\(cancelled)", "amazon:\(amazon)"])
        XCTAssertEqual(report.apiCalls["storefront"], 2, "one page of the window, one lookup of three ids")
        XCTAssertEqual(report.apiCalls["marketplace"], 2, "one page of the window, one lookup")

        // What `driftless reconcile --metrics-file` writes: the findings and the run, as Prometheus text.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-\(UUID()).prom")
        defer { try? FileManager.default.removeItem(at: file) }
        try metrics.write(to: file.path)
        let text = try PrometheusText(String(contentsOf: file, encoding: .utf8))
        XCTAssertEqual(text.value("driftless_reconciliation_runs_total", ["result": "drift-found"]), 1)
        for pattern in [
            ReconcilePolicy.name(of: .silentCancellation), ReconcilePolicy.name(of: .paymentGap), "other-drift",
        ] {
            XCTAssertEqual(text.value("driftless_mismatches_total", ["pattern": pattern]), 1, pattern)
        }

        // Small ERP pages that re-ask for the previous page's last item: the same findings, each order once.
        let paged = await ReconcileJob(
            settings: ReconcileSettings(
                window: .seconds(7200), dryRun: true, owner: "test", erpPageSize: 2, erpPageOverlap: 1),
            channels: job.channels, erp: job.erp, stats: stats, matrix: try MappingMatrix.default,
            ledger: reconcileLedger, topics: PipelineTopics(), send: { _ in XCTFail("a dry run sends nothing") },
            logger: ReconcileJobTests.quiet("reconcile"), clock: { now }
        ).run()
        XCTAssertEqual(paged.compared, 5, paged.text)
        XCTAssertEqual(paged.erpListed, 8)
        XCTAssertEqual(paged.notInChannel, 1)
        XCTAssertEqual(paged.classifications.mapValues(\.found), report.classifications.mapValues(\.found))
        XCTAssertEqual(paged.apiCalls["erp"].map { $0 > report.apiCalls["erp"] ?? 0 }, true, "more list pages")
    }

    private func outcomeIsDone(_ outcome: ERPOutcome) -> Bool {
        if case .done = outcome { return true }
        return false
    }

    /// A change made by hand in the ERP (PATCH of the sales order).
    private func patch(
        _ client: ERPClient, _ sync: ERPSync, _ channel: Channel, _ id: String, _ body: [String: Any]
    ) async throws {
        guard case .found(let view) = await sync.view(of: OrderKey(channel: channel, orderID: id)) else {
            return XCTFail("no sales order for \(channel):\(id)")
        }
        let outcome = await client.update(
            "salesOrder", id: view.salesOrderID, body: try JSONSerialization.data(withJSONObject: body))
        XCTAssertTrue(outcomeIsDone(outcome), "\(outcome)")
    }

    /// A clerk's item fulfilment, transformed from the order (NetSuite makes them no other way).
    private func fulfil(_ client: ERPClient, _ sync: ERPSync, _ channel: Channel, _ id: String) async throws {
        guard case .found(let view) = await sync.view(of: OrderKey(channel: channel, orderID: id)) else {
            return XCTFail("no sales order for \(channel):\(id)")
        }
        let outcome = await client.transform(
            salesOrder: view.salesOrderID, to: "itemFulfillment",
            body: try JSONSerialization.data(withJSONObject: ["memo": "shipped by hand"]))
        XCTAssertTrue(outcomeIsDone(outcome), "\(outcome)")
    }

    /// A clerk's cancel (`@cancel`, a record action).
    private func cancel(_ client: ERPClient, _ sync: ERPSync, _ channel: Channel, _ id: String) async throws {
        guard case .found(let view) = await sync.view(of: OrderKey(channel: channel, orderID: id)) else {
            return XCTFail("no sales order for \(channel):\(id)")
        }
        let outcome = await client.action("salesOrder", id: view.salesOrderID, "cancel")
        XCTAssertTrue(outcomeIsDone(outcome), "\(outcome)")
    }

    private func seedERP(amazon document: AmazonOrderDocument, sync: ERPSync) async throws {
        try await SeededERP.write(amazon: document, sync: sync, matrix: try MappingMatrix.default)
    }
}
