import DriftlessTesting
import Foundation
import Kafka
import Ledger
import OrderModel
import Pipeline
import Simulators
import XCTest

/// Realistic Shopify lifecycles (pending, paid, cancelled, shipped then partly refunded, split
/// shipments, returns, split refunds), each order's webhooks shuffled within every window size from 1
/// to its lifecycle's length and partly duplicated, sent signed to a real pipeline (in-process mock
/// cluster, every stage, SQLite ledger, the ERP simulator). Judged by the independent oracle from the
/// storefront's **final** order bodies: the ERP simulator's records must hold every effect exactly
/// once, nothing else, every sales order in the right status.
final class ConvergenceTests: XCTestCase {
    func testShuffledWindowsConvergeOnACleanERP() async throws {
        try await converge(orders: 120, seed: 22, quiet: .seconds(10), faults: nil)
    }

    func testShuffledWindowsConvergeThroughERPFaults() async throws {
        try await converge(orders: 120, seed: 23, quiet: .seconds(20)) { settings in
            settings.unavailableRatio = 0.05
            settings.throttledRatio = 0.05
            settings.retryAfterSeconds = 1
            settings.lostAnswerRatio = 0.03
            settings.stallRatio = 0.02
            settings.stall = .seconds(3)
            // Commit after the client's timeout: the request lands later, after newer writes.
            settings.lateCommitRatio = 0.03
            settings.lateCommitDelay = .seconds(2)
        }
    }

    private func converge(
        orders count: Int, seed: UInt64, quiet: Duration, faults: (@Sendable (inout ERPFaults.Settings) -> Void)?
    ) async throws {
        let testERP = try await TestERP.start(faults: ERPFaults(seed: seed))
        let erp = testERP.simulator
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = 6
        let fixture = try await PipelineFixture.start(broker: try TestBroker.mock(brokers: 1)) {
            $0.erp = testERP.configuration(maxConcurrentRequests: 8, requestTimeout: .seconds(1))
            $0.dispatch = policy
        }
        let store = StorefrontStore(seed: seed)
        let scenario = try await ConvergenceScenario.make(store: store, count: count, seed: seed)
        for kind in ConvergenceScenario.Kind.allCases {
            let lengths = Set(scenario.orders.filter { $0.kind == kind }.map(\.deliveries.count))
            XCTAssertEqual(lengths.count, 1, "\(kind): one lifecycle length")
            let length = lengths.first ?? 0
            XCTAssertEqual(scenario.windows[kind], Set(1...max(1, length)), "\(kind): every window size 1…\(length)")
        }
        if let faults { erp.faults.update(faults) }

        // Each order's schedule in its order, the orders side by side.
        let deliverer = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.secret)
        let schedules = scenario.orders.map(\.schedule)
        let refused = await withTaskGroup(of: Int.self) { group in
            var next = 0
            func add() {
                guard next < schedules.count else { return }
                let schedule = schedules[next]
                next += 1
                group.addTask {
                    var refused = 0
                    for delivery in schedule {
                        let status = await deliverer.deliver(delivery)
                        if !(200..<300).contains(status ?? 0) { refused += 1 }
                    }
                    return refused
                }
            }
            for _ in 0..<16 { add() }
            var total = 0
            while let refused = await group.next() {
                total += refused
                add()
            }
            return total
        }
        XCTAssertEqual(refused, 0, "every webhook acknowledged")
        let sent = schedules.map(\.count).reduce(0, +)
        let webhooks = scenario.orders.map(\.deliveries.count).reduce(0, +)

        var expectations: [OracleExpectation] = []
        for order in await store.allOrders() { expectations.append(try ERPOracle.expectation(shopify: order)) }
        XCTAssertEqual(expectations.count, count)
        let (report, settled) = try await Self.settle(expectations, erp: erp, quiet: quiet)
        let line =
            "convergence [\(faults == nil ? "clean" : "faults")]: \(count) orders, \(webhooks) webhooks "
            + "(\(sent - webhooks) duplicates) — \(report.summary)"
        print(line)
        XCTAssertTrue(settled, "no progress for \(quiet) before the ERP was right\n" + report.details(limit: 8))
        XCTAssertEqual(report.lost, 0, report.details(limit: 8))
        XCTAssertEqual(report.duplicated, 0, report.details(limit: 8))
        XCTAssertEqual(report.extra, 0, report.details(limit: 8))
        XCTAssertEqual(report.wrongStatus, 0, report.details(limit: 8))
        let duplicateEffects = await erp.store.duplicateEffects
        XCTAssertEqual(duplicateEffects, 0, "the ERP simulator saw no effect created twice")
        try await fixture.stop()
        await erp.stop()
        try? FileManager.default.removeItem(at: fixture.directory)
    }

    /// Checks the ERP with the oracle every 250 ms until it is right (true) or nothing moved — no
    /// ERP request answered, no record written — for `quiet` (false). Returns the last report.
    static func settle(
        _ expectations: [OracleExpectation], erp: ERPSimulator, quiet: Duration
    ) async throws -> (OracleReport, Bool) {
        var last: (Int, Int, Int)?
        var movedAt = ContinuousClock.now
        while true {
            let report = await OracleChecker.check(expectations, store: erp.store)
            if report.passed { return (report, true) }
            let marker = (
                await erp.store.appliedWrites, report.erpRecords, erp.statusCounts.values.reduce(0, +)
            )
            if let last, last == marker {
                if ContinuousClock.now - movedAt >= quiet { return (report, false) }
            } else {
                last = marker
                movedAt = ContinuousClock.now
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
