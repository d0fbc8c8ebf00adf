import DriftlessTesting
import Foundation
import Ledger
import ServiceLifecycle
import Simulators
import Synchronization
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

    /// The sleep until the next slot is measured on another clock than the time of day: the service
    /// sleeps again until its clock has reached the slot, so a run never starts before its slot
    /// (here the service's clock runs at half speed: one sleep of the wait wakes it too early).
    func testARunNeverStartsBeforeItsSlot() async throws {
        let rig = try await ReconcileJobTests.rig(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await rig.stop() } }
        let ledger = try await ledgers.open()
        defer { Task { await ledger.close() } }
        let now = await rig.storefront.store.now().addingTimeInterval(60)
        let job = try ReconcileJobTests.job(
            rig, ledger: ledger, topics: PipelineTopics(prefix: "reconcile-slot"), dryRun: true, now: now,
            sent: .init(), producer: nil)
        let schedule = ReconcileSchedule.every(seconds: 2)
        let start = Date()
        let began = ContinuousClock.now
        let clock: @Sendable () -> Date = {
            start.addingTimeInterval(DurationSeconds.of(ContinuousClock.now - began) / 2)
        }
        let due = schedule.next(after: start)
        let ranAt = Mutex<[Date]>([])
        let service = ReconcileService(
            job: job, schedule: schedule, logger: ReconcileJobTests.quiet("reconcile-slot"),
            onReport: { _ in ranAt.withLock { $0.append(clock()) } }, clock: clock)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: service)], logger: ReconcileJobTests.quiet("group")))
        let running = Task { try await group.run() }
        let ran = await eventually(timeout: .seconds(30)) { !ranAt.withLock { $0.isEmpty } }
        XCTAssertTrue(ran, "the first slot ran")
        await group.triggerGracefulShutdown()
        try await running.value
        let first = try XCTUnwrap(ranAt.withLock { $0.first })
        XCTAssertGreaterThanOrEqual(first, due, "the run waited for its slot on the service's clock")
    }
}
