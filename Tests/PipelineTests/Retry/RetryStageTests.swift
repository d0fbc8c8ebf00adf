import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Dispatch and the retry stage on a real broker against the ERP simulator: transient failures
/// climb the delayed retry tiers (never early), an order's later events are parked behind its
/// event in retry and never overtake it, every effect lands exactly once; a stopped and restarted
/// retry stage and a second replica joining mid-run deliver every due record once.
final class RetryStageTests: XCTestCase {
    /// About 1k canonical events over 120 orders while the ERP fails 30 % of requests transiently
    /// until half of them are consumed; dispatch tries twice in place, then the tiers (500 ms … 16 s)
    /// take over. (The 5k-event run of the same mix is `DispatchBenchmarks`' "retry tiers" scenario.)
    func testTransientFailuresClimbTheTiersAndLandExactlyOnceInOrder() async throws {
        let rig = try await DispatchRig.start(name: "retry-tiers", partitions: 4)
        let matrix = try MappingMatrix.default
        let stream = CanonicalLifecycles.make(orders: 120, seed: 21, duplicateRatio: 0.1, matrix: matrix)
        let expected = CanonicalLifecycles.expected(stream)
        rig.erp.faults.update {
            $0.unavailableRatio = 0.2
            $0.throttledRatio = 0.1
            $0.retryAfterSeconds = 1
        }
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = 2
        // A ladder longer than the fault window: nothing is given up.
        policy.retryTiers = ["500ms", "1s", "2s", "4s", "8s", "16s"].compactMap(RetryTier.init)
        for tier in policy.retryTiers {
            try? await rig.rig.broker.createTopic(named: rig.topics.retry(tier: tier.name), partitions: 4)
        }
        policy.breakerConsecutiveFailures = 1_000  // this test is about the tiers, not the breaker
        policy.breakerWindow = 1_000_000  // never fills: the ratio never opens it
        try await rig.publish(stream)
        let dispatch = try rig.stage(policy: policy)
        let retry = try rig.retryStage(policy: policy)
        let runs = [Task { await dispatch.run() }, Task { await retry.run() }]
        // Faults for a while, then a healthy ERP.
        let half = await waitMakingProgress(
            progress: { dispatch.counters.snapshot.consumed },
            until: {
                dispatch.counters.snapshot.consumed >= stream.count / 2
            })
        XCTAssertTrue(half.isDone, "half the stream through the faults: \(half)")
        rig.erp.faults.update {
            $0.unavailableRatio = 0
            $0.throttledRatio = 0
        }
        let parking = try rig.parking()
        // Progress: events consumed, records re-sent from the tiers, effects in the ERP.
        let drained = await waitMakingProgress(
            progress: {
                [
                    dispatch.counters.snapshot.consumed, retry.counters.snapshot.retried,
                    retry.counters.snapshot.effects, await rig.erp.store.appliedWrites,
                ]
            },
            until: {
                guard dispatch.counters.snapshot.consumed >= stream.count else { return false }
                let counts = try? await parking.parkingCounts()
                return counts.map { $0.held == 0 && $0.parked == 0 } ?? false
            })
        dispatch.stop()
        retry.stop()
        for run in runs { await run.value }
        let counts = (dispatch: dispatch.counters.snapshot, retry: retry.counters.snapshot)
        let late = await retry.dueTimeError
        XCTAssertTrue(
            drained.isDone, "\(drained): dispatch consumed \(counts.dispatch.consumed) of \(stream.count); \(counts)")
        XCTAssertGreaterThan(counts.dispatch.retried, 0, "some events went to the tiers")
        XCTAssertGreaterThan(counts.dispatch.parked + counts.retry.retried, 0)
        try await rig.rig.writer.flush()
        let given = try await rig.rig.ledger.search(AuditQuery(hops: [.deadLettered], limit: 100))
        XCTAssertEqual(
            counts.dispatch.deadLettered + counts.retry.deadLettered, 0,
            "nothing given up: \(given.prefix(3).map { "\($0.orderKey) \($0.detail ?? "")" })")
        XCTAssertEqual(counts.dispatch.quarantined + counts.retry.quarantined, 0)
        await rig.assertERPMatches(expected)
        let rows = try await rig.appliedEffectRows()
        let expectedIDs = expected.values.flatMap(\.effects).map(\.id)
        let missing = Set(expectedIDs).subtracting(rows.keys)
        let extra = Set(rows.keys).subtracting(expectedIDs)
        XCTAssertEqual(
            missing.count + extra.count, 0, "missing \(Array(missing.prefix(5))), extra \(Array(extra.prefix(5)))")
        XCTAssertEqual(rows.values.filter { $0 > 1 }.count, 0, "each effect dispatched once")
        print(
            "retry tiers (mock): \(stream.count) events, \(expectedIDs.count) effects; dispatch sent "
                + "\(counts.dispatch.retried) to the tiers and parked \(counts.dispatch.parked); the retry stage "
                + "re-sent \(counts.retry.retried), met \(counts.retry.notDue) records not yet due, skipped "
                + "\(counts.retry.staleRetries) stale; due-time error over \(late.count) due records: p50 "
                + "\(late.p50) ms, p99 \(late.p99) ms, max \(late.max) ms late, never early")
        await rig.finish()
    }

    /// The order of one order's effects across a retry: its first event fails until the ERP heals,
    /// its later events are parked behind it and follow it in order, while other orders flow.
    func testParkedEventsNeverOvertakeTheirHead() async throws {
        let rig = try await DispatchRig.start(name: "retry-parking", partitions: 2)
        let matrix = try MappingMatrix.default
        let blocked = CanonicalLifecycles.lifecycle(
            OrderKey(channel: .shopify, orderID: "HELD1"), kind: .happy, matrix: matrix)
        let others = CanonicalLifecycles.make(orders: 20, seed: 4, duplicateRatio: 0, matrix: matrix, prefix: "F")
        let held = ERPEffect.externalID("so", "shopify", "HELD1")
        rig.erp.faults.update {
            $0.invalidOrders = [held]
            $0.invalidStatus = 503
        }
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = 1
        policy.breakerConsecutiveFailures = 1_000
        policy.breakerWindow = 1_000_000  // never fills: the ratio never opens it
        policy.retryTiers = ["1s", "2s", "3s", "5s", "8s"].compactMap(RetryTier.init)
        for tier in policy.retryTiers {
            try? await rig.rig.broker.createTopic(named: rig.topics.retry(tier: tier.name), partitions: 2)
        }
        try await rig.publish(blocked + others)
        let dispatch = try rig.stage(policy: policy)
        let retry = try rig.retryStage(policy: policy)
        let runs = [Task { await dispatch.run() }, Task { await retry.run() }]
        let parking = try rig.parking()
        let othersDone = await eventually(timeout: .seconds(60)) {
            dispatch.counters.snapshot.consumed >= blocked.count + others.count
        }
        XCTAssertTrue(othersDone)
        let whileHeld = try await parking.parkingCounts()
        XCTAssertEqual(whileHeld.held, 1, "the failing order is held")
        XCTAssertEqual(whileHeld.parked, blocked.count - 1, "its later events wait behind the first")
        let otherOrders = CanonicalLifecycles.expected(others)
        for (key, order) in otherOrders {
            let record = await rig.erp.store.find(
                .salesOrder, id: "eid:" + ERPEffect.externalID("so", key.channel.rawValue, key.orderID))
            XCTAssertEqual(record?.status?.id, order.netSuiteStatus, "other orders flow: \(key)")
        }
        rig.erp.faults.update { $0.invalidOrders = [] }
        let released = await eventually(timeout: .seconds(60)) {
            (try? await parking.parkingCounts()).map { $0.held == 0 && $0.parked == 0 } ?? false
        }
        dispatch.stop()
        retry.stop()
        for run in runs { await run.value }
        XCTAssertTrue(released, "the order was released after its head landed")
        await rig.assertERPMatches(CanonicalLifecycles.expected(blocked + others))
        await rig.finish()
    }

    /// A retry stage stopped while its partitions are paused (records not yet due) and a new one
    /// started: every due record is still delivered once, the ERP holds every effect once.
    func testRestartedRetryStageDeliversEveryDueRecordOnce() async throws {
        let rig = try await DispatchRig.start(name: "retry-restart", partitions: 3)
        let stream = CanonicalLifecycles.make(
            orders: 60, seed: 8, duplicateRatio: 0, matrix: try MappingMatrix.default, prefix: "K")
        let policy = await tieredPolicy(rig, tiers: ["8s", "9s", "10s"], maxAttempts: 1, partitions: 3)
        let (dispatch, dispatching) = try await routeEveryOrderToTheFirstTier(rig, stream, policy: policy)
        XCTAssertEqual(dispatch.counters.snapshot.retried, 60, "each order's first event went to the first tier")
        let first = try rig.retryStage(replica: "retry-1", policy: policy)
        let firstRun = Task { await first.run() }
        // It reads the records, finds them not yet due and pauses; then it is stopped.
        let paused = await eventually(timeout: .seconds(60)) { first.counters.snapshot.notDue > 0 }
        XCTAssertTrue(paused, "the first replica met records not yet due")
        first.stop()
        await firstRun.value
        XCTAssertGreaterThan(first.counters.snapshot.notDue, 0, "the first replica paused its partitions")
        let second = try rig.retryStage(replica: "retry-2", policy: policy)
        let secondRun = Task { await second.run() }
        let done = try await released(rig)
        second.stop()
        dispatch.stop()
        await secondRun.value
        await dispatching.value
        XCTAssertTrue(done)
        XCTAssertGreaterThan(second.counters.snapshot.effects, 0, "the restarted replica delivered what was left")
        try await assertExactlyOnce(rig, stream)
        await rig.finish()
    }

    /// A second retry replica joins while the first has paused partitions: the group rebalances,
    /// no partition stays paused, every record is delivered.
    func testASecondReplicaJoiningMidRunLeavesNoPartitionPaused() async throws {
        let rig = try await DispatchRig.start(name: "retry-rebalance", partitions: 4)
        let stream = CanonicalLifecycles.make(
            orders: 80, seed: 9, duplicateRatio: 0, matrix: try MappingMatrix.default, prefix: "B")
        let policy = await tieredPolicy(rig, tiers: ["8s", "9s"], maxAttempts: 1, partitions: 4)
        let (dispatch, dispatching) = try await routeEveryOrderToTheFirstTier(rig, stream, policy: policy)
        let first = try rig.retryStage(replica: "retry-1", policy: policy)
        let firstRun = Task { await first.run() }
        let paused = await eventually(timeout: .seconds(60)) { first.counters.snapshot.notDue > 0 }
        XCTAssertTrue(paused, "the first replica met records not yet due")
        let second = try rig.retryStage(replica: "retry-2", policy: policy)
        let secondRun = Task { await second.run() }
        let joined = await eventually(timeout: .seconds(60)) { second.consumerStatistics.assignments > 0 }
        let done = try await released(rig)
        let revoked = first.consumerStatistics.revocations
        first.stop()
        second.stop()
        dispatch.stop()
        for run in [firstRun, secondRun, dispatching] { await run.value }
        XCTAssertTrue(done, "every held order was released: no partition stayed paused")
        XCTAssertTrue(joined, "the second replica got partitions")
        XCTAssertGreaterThan(revoked, 0, "the first replica gave partitions up while they were paused")
        XCTAssertGreaterThan(second.counters.snapshot.effects, 0, "the second replica delivered records")
        try await assertExactlyOnce(rig, stream)
        await rig.finish()
    }

    /// With a healthy ERP the due-time error is the pause's precision: records held for their
    /// tier's delay are handled shortly after they fall due, never before. (One event per order, so
    /// nothing is parked behind them: with parked events the drain's ERP work adds to the lateness
    /// of the records in the next batch — the destination's capacity, not the schedule.)
    func testDueTimeErrorWithAHealthyERP() async throws {
        let rig = try await DispatchRig.start(name: "retry-due", partitions: 4)
        let lifecycles = CanonicalLifecycles.make(
            orders: 200, seed: 12, duplicateRatio: 0, matrix: try MappingMatrix.default, prefix: "T")
        var seen: Set<OrderKey> = []
        let stream = lifecycles.filter { seen.insert($0.orderKey).inserted }
        let policy = await tieredPolicy(rig, tiers: ["3s", "6s"], maxAttempts: 1, partitions: 4)
        let retry = try rig.retryStage(policy: policy)
        let retrying = Task { await retry.run() }
        let (dispatch, dispatching) = try await routeEveryOrderToTheFirstTier(rig, stream, policy: policy)
        let done = try await released(rig)
        dispatch.stop()
        retry.stop()
        for run in [retrying, dispatching] { await run.value }
        XCTAssertTrue(done)
        let late = await retry.dueTimeError
        XCTAssertEqual(late.count, 200, "each order's first event came back once from the first tier")
        XCTAssertEqual(retry.counters.snapshot.deadLettered, 0)
        try await assertExactlyOnce(rig, stream)
        try await assertNeverEarly(rig, stream, tier: "3s")
        print(
            "retry due-time error (healthy ERP, 200 records on a 3 s tier): p50 \(late.p50) ms, "
                + "p99 \(late.p99) ms, max \(late.max) ms late; \(retry.counters.snapshot.notDue) pauses until due")
        await rig.finish()
    }

    // MARK: Set-up shared by the tests

    /// A policy for tests of the tiers: `maxAttempts` in place, the given tiers (their topics
    /// created), a breaker that never opens (these tests are about the tiers).
    private func tieredPolicy(
        _ rig: DispatchRig, tiers: [String], maxAttempts: Int, partitions: Int32
    ) async -> DispatchPolicy {
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = maxAttempts
        policy.breakerConsecutiveFailures = 1_000
        policy.breakerWindow = 1_000_000  // never fills: the ratio never opens it
        policy.retryTiers = tiers.compactMap(RetryTier.init)
        for tier in policy.retryTiers {
            // Some exist already (the rig creates the fast tiers).
            try? await rig.rig.broker.createTopic(named: rig.topics.retry(tier: tier.name), partitions: partitions)
        }
        return policy
    }

    /// Dispatches `stream` while every ERP request fails (each order's first event goes to the
    /// first tier, the rest is parked behind it), then heals the ERP. Returns the running stage.
    private func routeEveryOrderToTheFirstTier(
        _ rig: DispatchRig, _ stream: [CanonicalEvent], policy: DispatchPolicy
    ) async throws -> (stage: DispatchStage, running: Task<Void, Never>) {
        rig.erp.faults.update { $0.unavailableRatio = 1 }
        try await rig.publish(stream)
        let dispatch = try rig.stage(policy: policy)
        let running = Task { await dispatch.run() }
        let routed = await waitMakingProgress(
            progress: { dispatch.counters.snapshot.consumed },
            until: {
                dispatch.counters.snapshot.consumed >= stream.count
            })
        XCTAssertTrue(routed.isDone, "every event routed to the first tier or parked: \(routed)")
        rig.erp.faults.update { $0.unavailableRatio = 0 }
        return (dispatch, running)
    }

    /// Waits until no order is held and nothing is parked, as long as the ERP keeps receiving
    /// writes (the tiers' delays count as progress: they are at most `stall`).
    private func released(_ rig: DispatchRig, stall: Duration = .seconds(60)) async throws -> Bool {
        let parking = try rig.parking()
        let outcome = await waitMakingProgress(
            stall: stall, progress: { await rig.erp.store.appliedWrites },
            until: {
                (try? await parking.parkingCounts()).map { $0.held == 0 && $0.parked == 0 } ?? false
            })
        return outcome.isDone
    }

    /// Never early, judged outside the retry stage: each record's due time on `tier` (its header, as
    /// dispatch wrote it) against the moment the ERP simulator applied that order's first write (the
    /// ERP refused every request before, so that write came from the tier). 5 ms of slack: the due
    /// header carries milliseconds and the stage treats a record within 2 ms of its time as due.
    private func assertNeverEarly(_ rig: DispatchRig, _ stream: [CanonicalEvent], tier: String) async throws {
        let broker = rig.rig.broker
        let reader = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("due"),
            topics: [rig.topics.retry(tier: tier)])
        let tiered = try await broker.consume(reader, count: stream.count, timeout: .seconds(60))
        XCTAssertEqual(tiered.count, stream.count, "one record per order on the \(tier) tier")
        let events = Dictionary(stream.map { ($0.eventID, $0) }, uniquingKeysWith: { first, _ in first })
        var firstWrite: [String: Date] = [:]
        for entry in await rig.erp.store.writeLog where entry.type == .salesOrder {
            if let eid = entry.externalId, firstWrite[eid] == nil { firstWrite[eid] = entry.time }
        }
        var early: [String] = []
        for message in tiered {
            let eventID = message.header(EnvelopeHeader.eventID)?.stringValue ?? ""
            guard let event = events[eventID], let due = RetryHeaders(message)?.due else {
                early.append("\(eventID): no due time or unknown event")
                continue
            }
            let eid = ERPEffect.externalID("so", event.channel.rawValue, event.orderID)
            guard let applied = firstWrite[eid] else {
                early.append("\(event.orderKey): never written")
                continue
            }
            if applied < due.addingTimeInterval(-0.005) {
                early.append("\(event.orderKey): applied \(due.timeIntervalSince(applied) * 1000) ms early")
            }
        }
        XCTAssertEqual(early, [], "never early")
    }

    /// Every effect of `stream` in the ERP, each once, per order in order.
    private func assertExactlyOnce(_ rig: DispatchRig, _ stream: [CanonicalEvent]) async throws {
        await rig.assertERPMatches(CanonicalLifecycles.expected(stream))
        let rows = try await rig.appliedEffectRows()
        XCTAssertEqual(rows.values.filter { $0 > 1 }.count, 0, "each effect dispatched once")
    }
}
