import Foundation
import Ledger
import XCTest

/// Reconciliation's lease and findings (migration 6), on every backend.
extension LedgerConformance {
    private func reconcileStore() async throws -> any LedgerStore & ReconcileStore {
        let (store, url) = try await open()
        guard let reconcile = store as? any LedgerStore & ReconcileStore else {
            await store.close()
            throw LedgerError.invalidArgument("\(url) has no ReconcileStore")
        }
        return reconcile
    }

    func reconcileLeaseIsExclusiveLapsesAndKeepsTheRun() async throws {
        let store = try await reconcileStore()
        defer { Task { await store.close() } }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let ttl = Duration.seconds(60)
        let a = try await store.acquireReconcileLease(name: "reconcile", owner: "a", ttl: ttl, now: t0)
        XCTAssertEqual(a?.owner, "a")
        XCTAssertNil(a?.run)
        let blocked = try await store.acquireReconcileLease(name: "reconcile", owner: "b", ttl: ttl, now: t0 + 30)
        XCTAssertNil(blocked, "held by a")
        let renewedA = try await store.renewReconcileLease(name: "reconcile", owner: "a", ttl: ttl, now: t0 + 30)
        XCTAssertTrue(renewedA)
        let run = ReconcileRunState(runID: "r1", windowStart: t0 - 3600, windowEnd: t0, progress: t0 - 1800)
        let savedA = try await store.saveReconcileRun(name: "reconcile", owner: "a", run: run)
        XCTAssertTrue(savedA)
        let stillBlocked = try await store.acquireReconcileLease(name: "reconcile", owner: "b", ttl: ttl, now: t0 + 89)
        XCTAssertNil(stillBlocked, "the renewal moved the expiry to t0 + 90")
        // a stops renewing (crashed): b takes over after the expiry and sees a's unfinished run.
        let b = try await store.acquireReconcileLease(name: "reconcile", owner: "b", ttl: ttl, now: t0 + 91)
        XCTAssertEqual(b?.owner, "b")
        XCTAssertEqual(b?.run?.runID, "r1")
        XCTAssertEqual(b?.run?.finished, false)
        XCTAssertEqual(b?.run?.progress.map { $0.timeIntervalSince1970 }, (t0 - 1800).timeIntervalSince1970)
        let renewedLate = try await store.renewReconcileLease(name: "reconcile", owner: "a", ttl: ttl, now: t0 + 92)
        XCTAssertFalse(renewedLate, "a lost the lease")
        let savedLate = try await store.saveReconcileRun(name: "reconcile", owner: "a", run: run)
        XCTAssertFalse(savedLate, "a cannot write the run any more")
        var finished = run
        finished.finished = true
        let savedB = try await store.saveReconcileRun(name: "reconcile", owner: "b", run: finished)
        XCTAssertTrue(savedB)
        try await store.releaseReconcileLease(name: "reconcile", owner: "b")
        let again = try await store.acquireReconcileLease(name: "reconcile", owner: "a", ttl: ttl, now: t0 + 93)
        XCTAssertEqual(again?.owner, "a", "released: free at once")
        XCTAssertEqual(again?.run?.finished, true)
    }

    func reconcileLeaseRaceHasOneWinner() async throws {
        let store = try await reconcileStore()
        defer { Task { await store.close() } }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let winners = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await store.acquireReconcileLease(
                        name: "race", owner: "replica-\(index)", ttl: .seconds(60), now: now)?.owner
                }
            }
            var owners: [String] = []
            for try await owner in group { if let owner { owners.append(owner) } }
            return owners
        }
        XCTAssertEqual(winners.count, 1, "\(winners)")
    }

    func reconcileFindingsUpsertPerRunAndOrder() async throws {
        let store = try await reconcileStore()
        defer { Task { await store.close() } }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        func finding(_ run: String, _ order: String, _ outcome: String, at: TimeInterval) -> ReconcileFinding {
            ReconcileFinding(
                runID: run, orderKey: order, classification: "pattern-2-shipmentLag", action: "auto-correct",
                outcome: outcome, channelState: "SHIPPED", erpState: nil, evidence: "channel fulfilled; ERP B",
                eventID: "reconcile:\(run):\(order)", caseID: outcome == "flagged" ? 7 : nil, foundAt: t0 + at)
        }
        try await store.recordFindings([
            finding("r1", "shopify:1", "reported", at: 0), finding("r1", "shopify:2", "corrected", at: 1),
        ])
        try await store.recordFindings([finding("r1", "shopify:1", "flagged", at: 2)])
        try await store.recordFindings([finding("r2", "shopify:1", "corrected", at: 3)])
        let r1 = try await store.findings(runID: "r1", since: nil, limit: 100)
        XCTAssertEqual(r1.map(\.orderKey), ["shopify:1", "shopify:2"], "newest first; one row per run and order")
        XCTAssertEqual(r1.first?.outcome, "flagged")
        XCTAssertEqual(r1.first?.caseID, 7)
        XCTAssertNil(r1.first?.erpState)
        let recent = try await store.findings(runID: nil, since: t0 + 2, limit: 100)
        XCTAssertEqual(recent.map(\.runID), ["r2", "r1"])
        let limited = try await store.findings(runID: nil, since: nil, limit: 1)
        XCTAssertEqual(limited.count, 1)
    }
}
