import Foundation
import Logging
import OrderModel
import Simulators
import Synchronization
import Ledger
import XCTest

@testable import Pipeline

/// A test-style measurement (no timing assertions): orders compared per second against the simulators
/// with rate limits off, and the process's resident memory while the sweep runs (it must stay flat:
/// pages are streamed, the window is never held). `DRIFTLESS_RECONCILE_MEASURE_ORDERS` sets the size
/// (default 2 000; the sweep is 100 000). Half the orders are in the ERP (in sync), half not.
final class ReconcileSweepMeasurement: XCTestCase {
    func testSweepThroughputAndMemory() async throws {
        let orders = Int(ProcessInfo.processInfo.environment["DRIFTLESS_RECONCILE_MEASURE_ORDERS"] ?? "") ?? 2_000
        let store = StorefrontStore()
        var ids: [Int64] = []
        for index in 0..<orders { ids.append(await store.createOrder(paid: index % 2 == 0).id) }
        let storefront = try await StorefrontSimulator.start(
            store: store, graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity),
            logger: ReconcileJobTests.quiet("storefront"))
        // The ERP's writes are dated inside the window (as the pipeline's would be): the ERP-side sweep lists them all.
        let now = await store.now().addingTimeInterval(60)
        let erp = try await TestERP.start(store: ERPStore(now: { now.addingTimeInterval(-30) }))
        defer {
            Task {
                await storefront.stop()
                await erp.stop()
            }
        }
        let sync = try erp.sync(maxConcurrentRequests: 16)
        let scenario = try ReconcileScenario(store: store, sync: sync)
        for id in ids where id % 2 == 0 { try await scenario.seedERP(id) }
        let stats = ReconcileAPIStats()
        let peak = Mutex<Int>(0)
        let before = Self.residentKiB()
        let job = ReconcileJob(
            settings: ReconcileSettings(window: .seconds(48 * 3600), dryRun: true, concurrency: 16),
            channels: [
                try ShopifyOrdersReader(
                    configuration: ShopifyAdminConfiguration(
                        baseURL: storefront.server.baseURL, accessToken: Secret("shpat_test"), pageSize: 250),
                    stats: stats)
            ],
            erp: ERPViewReader(sync: sync, stats: stats), stats: stats, matrix: try MappingMatrix.default,
            ledger: try await Self.unusedLedger(), topics: PipelineTopics(), send: { _ in },
            clock: { now },
            progress: { _ in
                let now = Self.residentKiB()
                peak.withLock { $0 = max($0, now) }
            })
        let report = await job.run()
        XCTAssertEqual(report.compared, orders, report.text)
        XCTAssertEqual(report.erpListed, orders / 2, "the ERP-side sweep listed every sales order, compared none again")
        let rate = Double(report.compared) / max(report.durationSeconds, 0.001)
        let growth = peak.withLock { $0 } - before
        print(
            String(
                format:
                    "reconcile sweep: %d orders in %.1f s = %.0f orders/s (%d ERP sales orders listed); RSS before %d KiB, peak growth %d KiB",
                orders, report.durationSeconds, rate, report.erpListed, before, growth))
    }

    /// A dry run writes nothing; an in-memory ledger satisfies the type.
    private static func unusedLedger() async throws -> any ReconcileLedger {
        let store = try await Ledger.open(url: "sqlite::memory:")
        guard let ledger = store as? any ReconcileLedger else { throw XCTSkip("no reconcile ledger") }
        return ledger
    }

    /// VmRSS of this process (Linux), KiB; 0 elsewhere.
    static func residentKiB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}
