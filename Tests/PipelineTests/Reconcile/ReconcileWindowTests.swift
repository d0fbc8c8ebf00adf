import DriftlessTesting
import Foundation
import Kafka
import Ledger
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Issue 25 item 9: a run's window starts where the last completed one ended (capped at the maximum
/// lookback), so missed daily runs leave no gap; a run that keeps failing is given up after a few
/// attempts instead of being resumed forever with its old window.
final class ReconcileWindowTests: XCTestCase {
    private let ledgers = ReconcileTestLedger(prefix: "driftless-reconcile-window")

    override func tearDown() {
        ledgers.remove()
    }

    private func ledger() async throws -> any ReconcileLedger {
        try await ledgers.open()
    }

    private let topics = PipelineTopics(prefix: "reconcile-window")

    func testMissedRunsLeaveNoGapAndTheLookbackIsCapped() async throws {
        let rig = try await ReconcileJobTests.rig(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await rig.stop() } }
        let ledger = try await ledger()
        defer { Task { await ledger.close() } }
        let now = await rig.storefront.store.now().addingTimeInterval(60)
        let sent = ReconcileJobTests.Sent()
        let first = try await ReconcileJobTests.job(
            rig, ledger: ledger, topics: topics, now: now, sent: sent, producer: nil
        )
        .run()
        XCTAssertNotEqual(first.result, "failed", first.text)
        XCTAssertEqual(first.windowEnd, now)

        // Five daily runs missed: the next one starts where the last completed window ended.
        let later = now.addingTimeInterval(5 * 86_400)
        let second = try await ReconcileJobTests.job(
            rig, ledger: ledger, topics: topics, now: later, sent: sent, producer: nil
        ).run()
        XCTAssertNotEqual(second.result, "failed", second.text)
        XCTAssertEqual(second.windowStart, now, "no gap after missed runs")
        XCTAssertEqual(second.windowEnd, later)

        // A long outage: the window reaches back at most the maximum lookback.
        let muchLater = later.addingTimeInterval(60 * 86_400)
        let third = try await ReconcileJobTests.job(
            rig, ledger: ledger, topics: topics, now: muchLater, sent: sent, producer: nil
        ).run()
        let lookback: TimeInterval = 14 * 86_400  // the documented default, reconcile.maxLookback: 14d
        XCTAssertEqual(third.windowStart, muchLater.addingTimeInterval(-lookback), third.text)
    }

    func testARunThatKeepsFailingIsGivenUp() async throws {
        let rig = try await ReconcileJobTests.rig(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await rig.stop() } }
        let ledger = try await ledger()
        defer { Task { await ledger.close() } }
        let start = await rig.storefront.store.now().addingTimeInterval(60)
        let attempts = 3  // the documented default, reconcile.maxRunAttempts
        var runIDs: [String] = []
        for attempt in 0...attempts {
            let now = start.addingTimeInterval(Double(attempt) * 3600)
            let job = try ReconcileJob(
                settings: ReconcileSettings(owner: "replica-a"),
                channels: [
                    ShopifyOrdersReader(
                        configuration: ShopifyAdminConfiguration(
                            baseURL: rig.storefront.server.baseURL, accessToken: Secret("shpat_test"), pageSize: 3),
                        stats: ReconcileAPIStats())
                ],
                erp: ERPViewReader(sync: rig.sync, stats: ReconcileAPIStats()), stats: ReconcileAPIStats(),
                matrix: try MappingMatrix.default, ledger: ledger, topics: topics,
                send: { _ in throw KafkaError.closed }, clock: { now })
            let report = await job.run()
            XCTAssertEqual(report.result, "failed", report.text)
            runIDs.append(report.runID)
        }
        XCTAssertEqual(Set(runIDs.prefix(attempts)).count, 1, "resumed while attempts remain: \(runIDs)")
        XCTAssertNotEqual(runIDs.last, runIDs.first, "after \(attempts) failed attempts the run is given up")
        let history = try await ledger.reconcileRunRecords(limit: 10)
        let given = try XCTUnwrap(history.first { $0.runID == runIDs.first })
        XCTAssertEqual(given.result, "abandoned")
        XCTAssertEqual(given.attempts, attempts)
        let next = try XCTUnwrap(history.first { $0.runID == runIDs.last })
        XCTAssertEqual(next.result, "failed")
        XCTAssertEqual(next.attempts, 1)
    }
}
