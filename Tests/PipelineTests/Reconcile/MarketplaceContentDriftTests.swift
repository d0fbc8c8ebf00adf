import Foundation
import Ledger
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Issue 24, reconciliation compares content for marketplace orders too: getOrders carries no lines,
/// so with `poller.orderItems` on, reconciliation reads the items (getOrderItems, paced to that
/// operation's plan) of the orders whose ERP sales order was written with lines, and compares lines,
/// quantities and totals as for storefront orders. Expectations come from the marketplace's documents.
final class MarketplaceContentDriftTests: XCTestCase {
    private let drift = ReconcilePolicy.contentDriftName

    func testAMarketplaceOrderWhoseLinesChangedIsContentDriftAndOneInSyncIsNot() async throws {
        let market = MarketplaceStore(seed: 24)
        let now = Date()
        let hourAgo = now.addingTimeInterval(-3600)
        let drifted = await market.createOrder(status: "Unshipped", at: hourAgo)
        let inSync = await market.createOrder(status: "Unshipped", at: hourAgo.addingTimeInterval(60))
        try await market.setOrderItems(
            [
                AmazonOrderItemDocument(
                    sku: "CT-NAT", orderItemID: "81001", quantity: 2, itemPrice: "58.00", itemTax: "4.64",
                    shippingPrice: "4.99", shippingTax: "0.40"),
                AmazonOrderItemDocument(
                    sku: "IB750-SAG", orderItemID: "81002", quantity: 1, itemPrice: "34.00", itemTax: "2.72"),
            ], of: drifted)
        try await market.setOrderItems(
            [
                AmazonOrderItemDocument(
                    sku: "TR2-BLK-42", orderItemID: "82001", quantity: 1, itemPrice: "129.00", itemTax: "10.32")
            ], of: inSync)
        // getOrderItems' plan: 2 requests a second, no burst; the reader is configured with that plan.
        let simulator = try await MarketplaceSimulator.start(
            store: market, rate: 1000, burst: 1000, orderItemsRate: 2, orderItemsBurst: 1,
            logger: ReconcileJobTests.quiet("marketplace"))
        let erp = try await TestERP.start()
        defer {
            Task {
                await simulator.stop()
                await erp.stop()
            }
        }
        let sync = try erp.sync()
        let matrix = try MappingMatrix.default
        // The ERP holds both orders with the lines they had.
        for id in [drifted, inSync] {
            try await SeededERP.write(
                channel: .amazon, payload: try await Self.payload(market, id), sync: sync, matrix: matrix)
        }
        let before = try await XCTUnwrapAsync(await market.order(drifted))
        // Support adds a unit of the first line on the marketplace side; the change never reaches the ERP.
        let changed = try await XCTUnwrapAsync(await market.orderItems(drifted))
        var edited = changed
        edited[0] = AmazonOrderItemDocument(
            sku: "CT-NAT", orderItemID: "81001", quantity: 3, itemPrice: "87.00", itemTax: "6.96",
            shippingPrice: "4.99", shippingTax: "0.40")
        try await market.setOrderItems(edited, of: drifted)
        let after = try await XCTUnwrapAsync(await market.order(drifted))
        XCTAssertNotEqual(after.OrderTotal, before.OrderTotal)

        var poller = PollerConfiguration(baseURL: simulator.server.baseURL)
        poller.orderItems = true
        // A little under the plan, as a deployment configures it: a request paced exactly one interval
        // after the previous one could reach the simulator sooner after it than it left the client
        // (the first request also opened the connection) and be throttled.
        poller.orderItemsRateLimitPerSecond = 1.8
        poller.orderItemsRateLimitBurst = 1
        let ledger = try await Ledger.open(url: "sqlite::memory:")
        defer { Task { await ledger.close() } }
        let reconcileLedger = try XCTUnwrap(ledger as? any ReconcileLedger)
        func job(orderItems: Bool, dryRun: Bool, sent: ReconcileJobTests.Sent) -> ReconcileJob {
            let stats = ReconcileAPIStats()
            return ReconcileJob(
                settings: ReconcileSettings(window: .seconds(7200), dryRun: dryRun, owner: "test", erpSweep: false),
                channels: [
                    MarketplaceOrdersReader(
                        baseURL: simulator.server.baseURL, marketplaceID: "ATVPDKIKX0DER", stats: stats,
                        orderItems: orderItems ? poller : nil)
                ],
                erp: ERPViewReader(sync: sync, stats: stats), stats: stats, matrix: matrix, ledger: reconcileLedger,
                topics: PipelineTopics(), send: { records in sent.records.withLock { $0 += records } },
                logger: ReconcileJobTests.quiet("reconcile"), clock: { now })
        }

        // Without getOrderItems there are no lines to compare: both orders' statuses agree.
        let blind = await job(orderItems: false, dryRun: true, sent: .init()).run()
        XCTAssertEqual(blind.compared, 2, blind.text)
        XCTAssertEqual(blind.inSync, 2, blind.text)
        XCTAssertEqual(simulator.orderItemsRequestCounts.requests, 0)

        let sent = ReconcileJobTests.Sent()
        let report = await job(orderItems: true, dryRun: false, sent: sent).run()
        XCTAssertEqual(report.result, "drift-found", report.text)
        XCTAssertEqual(report.compared, 2, report.text)
        XCTAssertEqual(report.inSync, 1, "\(inSync) is in sync: \(report.text)")
        XCTAssertEqual(report.classifications.mapValues(\.found), [drift: 1], report.text)
        XCTAssertEqual(report.classifications[drift]?.corrected, 1, report.text)
        let findings = try await reconcileLedger.findings(runID: report.runID, since: nil, limit: 10)
        XCTAssertEqual(findings.map(\.orderKey), ["amazon:\(drifted)"])
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(finding.classification, drift)
        // The differences, computed from the marketplace's documents before and after the edit.
        let quantity = { (items: [AmazonOrderItemDocument]) in
            items.filter { $0.SellerSKU == "CT-NAT" }.reduce(0) { $0 + $1.QuantityOrdered }
        }
        for difference in [
            "CT-NAT: channel \(quantity(edited)), ERP \(quantity(changed))",
            "total \(after.OrderTotal.Amount) vs \(before.OrderTotal.Amount)",
        ] {
            XCTAssertTrue(finding.evidence.contains(difference), "\(difference) in: \(finding.evidence)")
        }
        XCTAssertFalse(finding.evidence.contains("IB750-SAG:"), finding.evidence)
        // The correction injects the whole order: its payload carries the items read for the comparison.
        let injected = sent.records.withLock { $0.filter { $0.topic == PipelineTopics().ingestRaw } }
        XCTAssertEqual(injected.count, 1)
        let content = try AmazonOrderContent.decode(from: try XCTUnwrap(injected.first?.value))
        XCTAssertEqual(content?.lines.first { $0.sku == "CT-NAT" }?.quantity, 3)
        // One getOrderItems request per order compared, each within the operation's plan.
        let counts = simulator.orderItemsRequestCounts
        XCTAssertEqual(counts.requests, 2, "one items read per compared order")
        XCTAssertEqual(counts.throttled, 0, "paced to getOrderItems' plan")
        XCTAssertEqual(report.apiCalls["marketplace"], 1 + 2, "one getOrders page, two getOrderItems")
    }

    /// In `driftless run` reconciliation shares the poller's getOrderItems reader
    /// (``MarketplaceAccess``): an order version the poller has read costs reconciliation no items
    /// request, and its content is still compared.
    func testReconciliationReusesTheItemsThePollerRead() async throws {
        let market = MarketplaceStore(seed: 25)
        let now = Date()
        let drifted = await market.createOrder(status: "Unshipped", at: now.addingTimeInterval(-3600))
        let simulator = try await MarketplaceSimulator.start(
            store: market, rate: 1000, burst: 1000, orderItemsRate: 1000, orderItemsBurst: 1000,
            logger: ReconcileJobTests.quiet("marketplace"))
        let erp = try await TestERP.start()
        defer {
            Task {
                await simulator.stop()
                await erp.stop()
            }
        }
        let sync = try erp.sync()
        let matrix = try MappingMatrix.default
        try await SeededERP.write(
            channel: .amazon, payload: try await Self.payload(market, drifted), sync: sync, matrix: matrix)
        var items = try await XCTUnwrapAsync(await market.orderItems(drifted))
        items[0].QuantityOrdered += 1
        try await market.setOrderItems(items, of: drifted)
        var poller = PollerConfiguration(baseURL: simulator.server.baseURL)
        poller.orderItems = true
        let access = MarketplaceAccess(poller: poller, lwa: nil, logger: ReconcileJobTests.quiet("access"))
        // The poller's reader reads the order's current version (as the poller does for each order).
        let order = try await XCTUnwrapAsync(await market.order(drifted))
        let reader = try XCTUnwrap(access.orderItems)
        _ = try await reader.attachingItems(to: Array(try JSONEncoder().encode(order)))
        XCTAssertEqual(simulator.orderItemsRequestCounts.requests, 1)

        let stats = ReconcileAPIStats()
        let ledger = try await Ledger.open(url: "sqlite::memory:")
        defer { Task { await ledger.close() } }
        let job = ReconcileJob(
            settings: ReconcileSettings(window: .seconds(7200), dryRun: true, owner: "test", erpSweep: false),
            channels: [
                MarketplaceOrdersReader(
                    baseURL: simulator.server.baseURL, marketplaceID: "ATVPDKIKX0DER", stats: stats,
                    orderItems: poller, orderItemsFrom: access)
            ],
            erp: ERPViewReader(sync: sync, stats: stats), stats: stats, matrix: matrix,
            ledger: try XCTUnwrap(ledger as? any ReconcileLedger), topics: PipelineTopics(), send: { _ in },
            logger: ReconcileJobTests.quiet("reconcile"), clock: { now })
        let report = await job.run()
        XCTAssertEqual(report.classifications.mapValues(\.found), [drift: 1], report.text)
        XCTAssertEqual(simulator.orderItemsRequestCounts.requests, 1, "no second read of the same order version")
        XCTAssertEqual(report.apiCalls["marketplace"], 1, "one getOrders page, no getOrderItems")
    }

    /// The order `id` as the poller sends it on: getOrders' JSON with its items attached.
    static func payload(_ market: MarketplaceStore, _ id: String) async throws -> [UInt8] {
        let order = try await XCTUnwrapAsync(await market.order(id))
        let items = try await XCTUnwrapAsync(await market.orderItems(id))
        var object = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: try JSONEncoder().encode(order)) as? [String: Any])
        object[AmazonOrderContent.itemsKey] = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(items))
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }
}
