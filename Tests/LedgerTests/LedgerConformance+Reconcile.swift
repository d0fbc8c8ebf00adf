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
        let aFound = try await store.acquireReconcileLease(name: "reconcile", owner: "a", ttl: ttl, now: t0)
        let a = try XCTUnwrap(aFound)
        XCTAssertEqual(a.owner, "a")
        XCTAssertNil(a.run)
        let blocked = try await store.acquireReconcileLease(name: "reconcile", owner: "b", ttl: ttl, now: t0 + 30)
        XCTAssertNil(blocked, "held by a")
        let renewedA = try await store.renewReconcileLease(a.fence, ttl: ttl, now: t0 + 30)
        XCTAssertTrue(renewedA)
        let run = ReconcileRunState(runID: "r1", windowStart: t0 - 3600, windowEnd: t0, progress: t0 - 1800)
        let savedA = try await store.saveReconcileRun(a.fence, run: run)
        XCTAssertTrue(savedA)
        let stillBlocked = try await store.acquireReconcileLease(name: "reconcile", owner: "b", ttl: ttl, now: t0 + 89)
        XCTAssertNil(stillBlocked, "the renewal moved the expiry to t0 + 90")
        // a stops renewing (crashed): b takes over after the expiry and sees a's unfinished run.
        let bFound = try await store.acquireReconcileLease(name: "reconcile", owner: "b", ttl: ttl, now: t0 + 91)
        let b = try XCTUnwrap(bFound)
        XCTAssertEqual(b.owner, "b")
        XCTAssertGreaterThan(b.generation, a.generation)
        XCTAssertEqual(b.run?.runID, "r1")
        XCTAssertEqual(b.run?.finished, false)
        XCTAssertEqual(b.run?.progress.map { $0.timeIntervalSince1970 }, (t0 - 1800).timeIntervalSince1970)
        let renewedLate = try await store.renewReconcileLease(a.fence, ttl: ttl, now: t0 + 92)
        XCTAssertFalse(renewedLate, "a lost the lease")
        let savedLate = try await store.saveReconcileRun(a.fence, run: run)
        XCTAssertFalse(savedLate, "a cannot write the run any more")
        var finished = run
        finished.finished = true
        let savedB = try await store.saveReconcileRun(b.fence, run: finished)
        XCTAssertTrue(savedB)
        try await store.releaseReconcileLease(a.fence)
        let stillB = try await store.acquireReconcileLease(name: "reconcile", owner: "c", ttl: ttl, now: t0 + 92)
        XCTAssertNil(stillB, "a stale release changes nothing")
        try await store.releaseReconcileLease(b.fence)
        let againFound = try await store.acquireReconcileLease(name: "reconcile", owner: "a", ttl: ttl, now: t0 + 93)
        let again = try XCTUnwrap(againFound)
        XCTAssertEqual(again.owner, "a", "released: free at once")
        XCTAssertEqual(again.run?.finished, true)
        XCTAssertGreaterThan(again.generation, b.generation)
    }

    /// The fencing token (migration 10): holder a is paused past its lease (the `now` it passes is its
    /// clock), b acquires with a higher generation, and every write a makes with its token is refused.
    func reconcileLeaseFencesAPausedHolder() async throws {
        let store = try await reconcileStore()
        defer { Task { await store.close() } }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let ttl = Duration.seconds(60)
        let aFound = try await store.acquireReconcileLease(name: "fenced", owner: "a", ttl: ttl, now: t0)
        let a = try XCTUnwrap(aFound)
        let isCurrentA = try await store.isReconcileFenceCurrent(a.fence)
        XCTAssertTrue(isCurrentA)
        // A renewal asked after the expiry fails although nobody took the lease yet.
        let lateRenewal = try await store.renewReconcileLease(a.fence, ttl: ttl, now: t0 + 61)
        XCTAssertFalse(lateRenewal, "a renewal late beyond the TTL")
        let bFound = try await store.acquireReconcileLease(name: "fenced", owner: "b", ttl: ttl, now: t0 + 62)
        let b = try XCTUnwrap(bFound)
        XCTAssertGreaterThan(b.generation, a.generation, "the generation strictly increases")
        let isCurrentAfter = try await store.isReconcileFenceCurrent(a.fence)
        XCTAssertFalse(isCurrentAfter)
        let run = ReconcileRunState(runID: "r-a", windowStart: t0 - 3600, windowEnd: t0)
        let saved = try await store.saveReconcileRun(a.fence, run: run)
        XCTAssertFalse(saved)
        let finding = ReconcileFinding(
            runID: "r-a", orderKey: "shopify:1", classification: "pattern-2-shipmentLag", action: "auto-correct",
            outcome: "correction-sent", channelState: "SHIPPED", erpState: nil, evidence: "e", eventID: nil,
            caseID: nil, foundAt: t0 + 63)
        do {
            try await store.recordFindings([finding], fence: a.fence)
            XCTFail("a's findings were written with a stale token")
        } catch let error as ReconcileLeaseFenced {
            XCTAssertEqual(error.fence, a.fence)
        }
        let record = ReconcileRunRecord(
            runID: "r-a", name: "fenced", windowStart: t0 - 3600, windowEnd: t0, startedAt: t0, updatedAt: t0 + 63,
            attempts: 1, result: "running")
        do {
            try await store.saveReconcileRunRecord(record, fence: a.fence)
            XCTFail("a's run record was written with a stale token")
        } catch let error as ReconcileLeaseFenced {
            XCTAssertEqual(error.fence, a.fence)
        }
        let findingsOfA = try await store.findings(runID: "r-a", since: nil, limit: 10)
        XCTAssertEqual(findingsOfA, [])
        let recordOfA = try await store.reconcileRunRecord(runID: "r-a")
        XCTAssertNil(recordOfA)
        // b's writes with its current token go through.
        try await store.recordFindings([finding], fence: b.fence)
        try await store.saveReconcileRunRecord(record, fence: b.fence)
        let findingsOfB = try await store.findings(runID: "r-a", since: nil, limit: 10)
        XCTAssertEqual(findingsOfB.count, 1)
        let renewedB = try await store.renewReconcileLease(b.fence, ttl: ttl, now: t0 + 100)
        XCTAssertTrue(renewedB)
        // Even the same owner acquiring again fences its own earlier token.
        let b2Found = try await store.acquireReconcileLease(name: "fenced", owner: "b", ttl: ttl, now: t0 + 101)
        let b2 = try XCTUnwrap(b2Found)
        XCTAssertGreaterThan(b2.generation, b.generation)
        let staleB = try await store.saveReconcileRun(b.fence, run: run)
        XCTAssertFalse(staleB)
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
