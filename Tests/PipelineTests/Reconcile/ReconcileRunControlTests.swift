import DriftlessTesting
import Foundation
import Kafka
import Ledger
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Reconciliation runs under rate limits, interruptions and competing replicas (no pipeline: the
/// injected records are only collected).
final class ReconcileRunControlTests: XCTestCase {
    private let ledgers = ReconcileTestLedger(prefix: "driftless-reconcile")

    override func tearDown() {
        ledgers.remove()
    }

    private func ledger() async throws -> any ReconcileLedger {
        try await ledgers.open()
    }

    private let topics = PipelineTopics(prefix: "reconcile-test")

    func testRateLimitedERPIsWaitedOutNotFailed() async throws {
        let rig = try await ReconcileJobTests.rig(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await rig.stop() } }
        rig.erp.faults.update {
            $0.throttledRatio = 0.3
            $0.retryAfterSeconds = 1
        }
        let ledger = try await ledger()
        defer { Task { await ledger.close() } }
        let now = await rig.storefront.store.now().addingTimeInterval(60)
        let report = try await ReconcileJobTests.job(
            rig, ledger: ledger, topics: topics, dryRun: true, now: now, sent: .init(), producer: nil
        ).run()
        XCTAssertEqual(report.result, "drift-found", report.text)
        XCTAssertEqual(report.compared, 8)
        XCTAssertEqual(report.found, 6)
        XCTAssertGreaterThan(report.rateLimitWaits["erp"] ?? 0, 0, "429 + Retry-After answers were waited out")
        XCTAssertGreaterThanOrEqual(report.rateLimitWaitSeconds, Double(report.rateLimitWaits["erp"] ?? 0))
    }

    func testInterruptedRunResumesWithItsIDAndInjectsNothingTwice() async throws {
        let rig = try await ReconcileJobTests.rig(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await rig.stop() } }
        let ledger = try await ledger()
        defer { Task { await ledger.close() } }
        let now = await rig.storefront.store.now().addingTimeInterval(60)
        let sent = ReconcileJobTests.Sent()
        // The broker refuses the second batch of injected records: the run fails part-way.
        let failing = ReconcileJobTests.Sent()
        let interrupted = try ReconcileJob(
            settings: ReconcileSettings(owner: "replica-a"),
            channels: [
                ShopifyOrdersReader(
                    configuration: ShopifyAdminConfiguration(
                        baseURL: rig.storefront.server.baseURL, accessToken: Secret("shpat_test"), pageSize: 3),
                    stats: ReconcileAPIStats())
            ],
            erp: ERPViewReader(sync: rig.sync, stats: ReconcileAPIStats()), stats: ReconcileAPIStats(),
            matrix: try MappingMatrix.default, ledger: ledger, topics: topics,
            send: { records in
                let batches = failing.records.withLock {
                    $0 += records
                    return $0.count
                }
                if batches > records.count { throw KafkaError.closed }
                sent.records.withLock { $0 += records }
            }, clock: { now })
        let first = await interrupted.run()
        XCTAssertEqual(first.result, "failed", first.text)
        let firstSent = sent.records.withLock { $0.count }
        XCTAssertGreaterThan(firstSent, 0)

        // Another replica cannot start while replica-a's lease holds.
        let competing = try ReconcileJobTests.job(
            rig, ledger: ledger, topics: topics, now: now.addingTimeInterval(1), sent: sent, producer: nil,
            owner: "replica-b")
        let skipped = await competing.run()
        XCTAssertEqual(skipped.result, "skipped")

        // Once the lease lapses, replica-b resumes the same run from its last finished page.
        let later = try ReconcileJobTests.job(
            rig, ledger: ledger, topics: topics, now: now.addingTimeInterval(301), sent: sent, producer: nil,
            owner: "replica-b")
        let resumed = await later.run()
        XCTAssertEqual(resumed.result, "drift-found", resumed.text)
        XCTAssertTrue(resumed.resumed)
        XCTAssertEqual(resumed.runID, first.runID)
        XCTAssertLessThan(resumed.compared, 8, "pages finished before the failure are not read again")
        let ids = sent.records.withLock { $0 }.compactMap { record in
            record.headers.first { $0.key == EnvelopeHeader.eventID }?.stringValue
        }
        XCTAssertEqual(ids.count, Set(ids).count, "no event injected twice: \(ids)")
        XCTAssertEqual(ids.count, 8, "the four auto-correctable drifts, once each: channel truth and repair")
        XCTAssertEqual(ids.filter { $0.hasPrefix("repair:") }.count, 4)
        let findings = try await ledger.findings(runID: first.runID, since: nil, limit: 100)
        XCTAssertEqual(findings.count, 6)

        // A finished run is not resumed: the next one starts afresh.
        let next = await later.run()
        XCTAssertFalse(next.resumed)
        XCTAssertNotEqual(next.runID, first.runID)
    }
}

extension ReconcileRunControlTests {
    func testARunThatLosesItsLeaseStops() async throws {
        let rig = try await ReconcileJobTests.rig(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await rig.stop() } }
        rig.erp.faults.update { $0.latency = .milliseconds(400) }  // a slow ERP: the run outlives a renewal
        let ledger = try await ledger()
        defer { Task { await ledger.close() } }
        let now = await rig.storefront.store.now().addingTimeInterval(60)
        let stats = ReconcileAPIStats()
        let job = ReconcileJob(
            settings: ReconcileSettings(leaseTTL: .seconds(3), owner: "replica-a", concurrency: 1),
            channels: [
                try ShopifyOrdersReader(
                    configuration: ShopifyAdminConfiguration(
                        baseURL: rig.storefront.server.baseURL, accessToken: Secret("shpat_test"), pageSize: 1),
                    stats: stats)
            ],
            erp: ERPViewReader(sync: rig.sync, stats: stats), stats: stats, matrix: try MappingMatrix.default,
            ledger: ledger, topics: topics, send: { _ in }, clock: { now })
        let running = Task { await job.run() }
        let started = await eventually(timeout: .seconds(30)) { (stats.calls["erp"] ?? 0) > 0 }
        XCTAssertTrue(started, "replica a holds the lease and reads")
        // Replica b sees the lease lapsed (its clock is past the expiry) and takes it over.
        let taken = try await eventually(timeout: .seconds(30)) {
            try await ledger.acquireReconcileLease(
                name: "reconcile", owner: "replica-b", ttl: .seconds(3600), now: now.addingTimeInterval(10)) != nil
        }
        XCTAssertTrue(taken)
        let report = await running.value
        XCTAssertEqual(report.result, "failed", report.text)
        XCTAssertEqual(report.error, String(describing: ReconcileRunError.leaseLost("reconcile")))
        XCTAssertLessThan(report.compared, 8, "stopped before the end")
    }
}
