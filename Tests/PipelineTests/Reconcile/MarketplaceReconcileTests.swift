import Foundation
import Ledger
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Reconciliation of marketplace orders: getOrders pages (429 waited out) against the ERP.
final class MarketplaceReconcileTests: XCTestCase {
    func testMarketplaceOrdersAreComparedAndThrottlingIsWaitedOut() async throws {
        let market = MarketplaceStore()
        let now = Date()
        let hourAgo = now.addingTimeInterval(-3600)
        let unshipped = await market.createOrder(status: "Unshipped", at: hourAgo)
        let pending = await market.createOrder(status: "Pending", at: hourAgo.addingTimeInterval(60))
        let cancelled = await market.createOrder(status: "Unshipped", at: hourAgo.addingTimeInterval(120))
        let inSync = await market.createOrder(status: "Unshipped", at: hourAgo.addingTimeInterval(180))
        // One request per second, burst 1: every page after the first is throttled once (429 + Retry-After).
        let simulator = try await MarketplaceSimulator.start(
            store: market, rate: 2, burst: 1, sendRetryAfter: true, lwa: TestLWA.credentials,
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
        var seeded: [OracleExpectation] = []
        for id in [cancelled, inSync] {
            let found = await market.order(id)
            let document = try XCTUnwrap(found)
            try await SeededERP.write(amazon: document, sync: sync, matrix: matrix)
            seeded.append(ERPOracle.expectation(amazon: document))
        }
        // The seeded ERP is what the independent oracle expects for these orders as they stand now:
        // "in sync" is checked, not assumed.
        let seededCheck = await OracleChecker.check(seeded, store: erp.simulator.store)
        XCTAssertEqual(seededCheck.wrongOrders.map(\.orderKey), [], seededCheck.details())
        try await market.setStatus("Canceled", of: cancelled, at: hourAgo.addingTimeInterval(240))

        let stats = ReconcileAPIStats()
        let ledger = try await Ledger.open(url: "sqlite::memory:")
        defer { Task { await ledger.close() } }
        let job = ReconcileJob(
            settings: ReconcileSettings(dryRun: true),
            channels: [
                MarketplaceOrdersReader(
                    baseURL: simulator.server.baseURL, marketplaceID: "ATVPDKIKX0DER", pageSize: 1, stats: stats,
                    tokens: TestLWA.provider(simulator))
            ],
            erp: ERPViewReader(sync: sync, stats: stats), stats: stats, matrix: matrix,
            ledger: try XCTUnwrap(ledger as? any ReconcileLedger), topics: PipelineTopics(), send: { _ in },
            clock: { now })
        let report = await job.run()
        XCTAssertEqual(report.result, "drift-found", report.text)
        XCTAssertEqual(report.compared, 4)
        XCTAssertEqual(report.inSync, 2, "\(pending) not yet expected in the ERP, \(inSync) matches")
        XCTAssertEqual(
            report.classifications.mapValues(\.found),
            [ReconcilePolicy.name(of: .checkoutDisconnect): 1, ReconcilePolicy.name(of: .silentCancellation): 1])
        XCTAssertGreaterThan(report.rateLimitWaits["marketplace"] ?? 0, 0, "429s were waited out")
        XCTAssertEqual(report.apiCalls["marketplace"], 4 + (report.rateLimitWaits["marketplace"] ?? 0))
        XCTAssertEqual(simulator.authCounts.granted, 1, "every page with the one LWA token")
        XCTAssertEqual(simulator.authCounts.unauthorized, 0)
        _ = unshipped
    }
}
