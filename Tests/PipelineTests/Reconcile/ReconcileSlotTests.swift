import DriftlessTesting
import Foundation
import Ledger
import Simulators
import XCTest

@testable import Pipeline

/// One run per scheduled slot across replicas: an interval schedule's slots are aligned to the epoch
/// (every replica wakes for the same one), and a replica that takes the lease after another one
/// completed the slot skips it.
final class ReconcileSlotTests: XCTestCase {
    private let ledgers = ReconcileTestLedger(prefix: "driftless-reconcile-slot")

    override func tearDown() {
        ledgers.remove()
    }

    func testIntervalSlotsAreAlignedToTheEpoch() throws {
        let every = ReconcileSchedule.every(seconds: 15)
        XCTAssertEqual(every.next(after: Date(timeIntervalSince1970: 1_000.5)), Date(timeIntervalSince1970: 1_005))
        XCTAssertEqual(every.next(after: Date(timeIntervalSince1970: 1_005)), Date(timeIntervalSince1970: 1_020))
        XCTAssertEqual(every.text, "every 15s")
        let files = try TemporaryFiles(prefix: "driftless-reconcile-every")
        defer { files.remove() }
        let file = try files.write("reconcile:\n  every: 20s\n", "driftless.yaml")
        XCTAssertEqual(try ReconcileConfiguration.load(file: file, environment: [:]).schedule.interval, 20)
        XCTAssertEqual(
            try ReconcileConfiguration.load(file: nil, environment: ["DRIFTLESS_RECONCILE_EVERY": "1m"]).schedule
                .interval, 60)
        XCTAssertThrowsError(
            try ReconcileConfiguration.load(file: nil, environment: ["DRIFTLESS_RECONCILE_EVERY": "soon"]))
    }

    func testASlotAnotherReplicaCompletedIsSkipped() async throws {
        let rig = try await ReconcileJobTests.rig(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await rig.stop() } }
        let ledger = try await ledgers.open()
        defer { Task { await ledger.close() } }
        let topics = PipelineTopics(prefix: "reconcile-slot")
        let now = await rig.storefront.store.now().addingTimeInterval(60)
        let slot = now.addingTimeInterval(-0.5)
        let first = try ReconcileJobTests.job(
            rig, ledger: ledger, topics: topics, now: now, sent: .init(), producer: nil, owner: "replica-a")
        let ran = await first.run(slot: slot)
        XCTAssertEqual(ran.result, "drift-found", ran.text)
        XCTAssertEqual(ran.startedAt, now)
        // Replica b wakes for the same slot a moment later: the lease is free, the slot is done.
        let second = try ReconcileJobTests.job(
            rig, ledger: ledger, topics: topics, now: now.addingTimeInterval(0.2), sent: .init(), producer: nil,
            owner: "replica-b")
        let skipped = await second.run(slot: slot)
        XCTAssertEqual(skipped.result, "skipped", skipped.text)
        XCTAssertEqual(skipped.runID, "")
        // The lease was given back: replica b runs the next slot.
        let later = try ReconcileJobTests.job(
            rig, ledger: ledger, topics: topics, now: now.addingTimeInterval(20), sent: .init(), producer: nil,
            owner: "replica-b")
        let next = await later.run(slot: now.addingTimeInterval(19.5))
        XCTAssertNotEqual(next.result, "skipped", next.text)
        XCTAssertNotEqual(next.runID, ran.runID)
    }
}
