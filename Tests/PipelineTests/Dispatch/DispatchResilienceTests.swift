import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Dispatch through an ERP outage (circuit breaker), refused credentials (pause), a SIGKILL and
/// two replicas on PostgreSQL: nothing lost, no effect twice, nothing out of order.
final class DispatchResilienceTests: XCTestCase {
    /// A ten-second outage (`DRIFTLESS_TEST_OUTAGE_SECONDS` overrides; the two-minute one is
    /// `DispatchBenchmarks`' "outage" scenario): the breaker opens within its failure threshold (plus
    /// the requests already in flight), probes instead of flooding, shows `open` on `/status`, and
    /// closes after recovery; every effect lands once.
    func testAnOutageOpensTheBreakerAndEverythingLandsAfterRecovery() async throws {
        let seconds = Double(ProcessInfo.processInfo.environment["DRIFTLESS_TEST_OUTAGE_SECONDS"] ?? "") ?? 10
        let rig = try await DispatchRig.start(name: "dispatch-outage")
        let matrix = try MappingMatrix.default
        let stream = CanonicalLifecycles.make(orders: 150, seed: 9, duplicateRatio: 0.1, matrix: matrix, prefix: "O")
        let expected = CanonicalLifecycles.expected(stream)
        let effects = expected.values.map(\.effects.count).reduce(0, +)
        rig.erp.faults.update { $0.latency = .milliseconds(2) }
        let health = HealthState()
        let policy = DispatchRig.fastPolicy
        let stage = try rig.stage(policy: policy, health: health)
        let running = Task { await stage.run() }
        try await rig.publish(stream)
        let quarter = await waitMakingProgress(
            progress: { await rig.erp.store.appliedWrites },
            until: {
                await rig.erp.store.appliedWrites >= effects / 4
            })
        XCTAssertTrue(quarter.isDone, "a quarter of the effects before the outage: \(quarter)")
        let failuresBefore = rig.erp.statusCounts[503] ?? 0
        rig.erp.faults.update { $0.outageUntil = Date().addingTimeInterval(seconds) }
        let opened = await eventually(timeout: .seconds(30)) { await stage.gate.snapshot.opens >= 1 }
        XCTAssertTrue(opened, "the breaker opened")
        let openedAt = ContinuousClock.now
        let failuresToOpen = (rig.erp.statusCounts[503] ?? 0) - failuresBefore
        let inFlight = rig.erpConfiguration().maxConcurrentRequests
        // A write in flight is an async request and the polls of its job: each may meet the outage
        // up to `maxPollFailures` times before it goes back through the gate.
        XCTAssertLessThanOrEqual(
            failuresToOpen, policy.breakerConsecutiveFailures + inFlight * (1 + ERPClient.maxPollFailures),
            "opened within the threshold plus the requests in flight")
        XCTAssertTrue(["open", "probing"].contains(health.components["erp"] ?? ""), "\(health.components)")
        let landedAtOpen = await rig.erp.store.appliedWrites
        // The outage ends by the ERP's clock; the wait's limit only keeps a breaker that never
        // closes from hanging the suite.
        let resumed = await eventually(timeout: .seconds(seconds + 120)) {
            await rig.erp.store.appliedWrites > landedAtOpen
        }
        XCTAssertTrue(resumed, "writes resumed after the outage")
        let outageFailures = (rig.erp.statusCounts[503] ?? 0) - failuresBefore
        // While open: what was in flight when it opened (each an async request and its polls), then
        // probes at most every 0.5 s of the time it stayed open (a busy machine makes fewer, not
        // more) — instead of every order retrying every few hundred ms.
        let probeSlots = Int((ContinuousClock.now - openedAt) / .milliseconds(500)) + 1
        XCTAssertLessThanOrEqual(
            outageFailures - failuresToOpen, inFlight * (1 + ERPClient.maxPollFailures) + 2 * probeSlots,
            "no flood of failures during the outage (\(failuresToOpen) to open, \(outageFailures) in all)")
        let done = await waitMakingProgress(
            progress: { stage.counters.snapshot.consumed },
            until: {
                stage.counters.snapshot.consumed >= stream.count
            })
        XCTAssertTrue(done.isDone, "\(done): consumed \(stage.counters.snapshot.consumed) of \(stream.count)")
        stage.stop()
        await running.value
        XCTAssertEqual(stage.counters.snapshot.quarantined, 0, "the outage spent no event's attempts")
        await rig.assertERPMatches(expected)
        let snapshot = await stage.gate.snapshot
        XCTAssertEqual(snapshot.state, "closed")
        XCTAssertEqual(health.components["erp"], "closed")
        print(
            "outage \(Int(seconds)) s: \(failuresToOpen) failures to open, \(outageFailures) during the outage, "
                + "breaker opened \(snapshot.opens)×; \(stream.count) events, \(effects) effects, 0 lost, 0 duplicated")
        await rig.finish()
    }

    /// 401: the destination pauses at once and raises an alarm; no message is spent and no offset
    /// moves (a replica started afterwards gets every event again); once the ERP accepts the
    /// credentials again a probe resumes it and everything lands.
    func testRefusedCredentialsPauseTheDestinationWithoutSpendingMessages() async throws {
        let rig = try await DispatchRig.start(name: "dispatch-401", partitions: 3)
        let matrix = try MappingMatrix.default
        let stream = CanonicalLifecycles.make(orders: 30, seed: 4, duplicateRatio: 0, matrix: matrix, prefix: "U")
        let expected = CanonicalLifecycles.expected(stream)
        rig.erp.faults.update { $0.rejectCredentials = true }
        try await rig.publish(stream)
        let logs = CapturedLogs()
        let health = HealthState()
        let first = try rig.stage(replica: "dispatch-a", health: health, logLevel: .info, logs: logs)
        let runFirst = Task { await first.run() }
        let paused = await eventually(timeout: .seconds(30)) { await first.gate.snapshot.state.hasPrefix("paused") }
        XCTAssertTrue(paused)
        // While paused the destination only probes: wait for a few probes (condition, not time), then
        // bound the refusals by the requests that were in flight plus one probe per 0.5 s elapsed (a
        // slow machine makes fewer probes, never more). Each refused request may be repeated once.
        let pausedAt = ContinuousClock.now
        let atPause = rig.erp.statusCounts[401] ?? 0
        let probed = await eventually(timeout: .seconds(30)) { (rig.erp.statusCounts[401] ?? 0) >= atPause + 3 }
        XCTAssertTrue(probed, "the paused destination probes the ERP")
        let refusals = rig.erp.statusCounts[401] ?? 0
        let probeSlots = Int((ContinuousClock.now - pausedAt) / .milliseconds(500)) + 1
        XCTAssertLessThanOrEqual(refusals, 2 * (8 + probeSlots), "the requests in flight, then one probe per 0.5 s")
        XCTAssertEqual(first.counters.snapshot.consumed, 0, "nothing acknowledged while paused")
        XCTAssertEqual(first.counters.snapshot.quarantined, 0, "no message spent")
        XCTAssertEqual(health.components["erp"]?.hasPrefix("paused"), true)
        let alarms = logs.messages(atLeast: .critical)
        XCTAssertEqual(alarms.filter { $0.contains("ALARM") }.count, 1, "one alarm: \(alarms)")
        first.stop()
        await runFirst.value

        let second = try rig.stage(replica: "dispatch-b", logLevel: .info, logs: logs)
        let runSecond = Task { await second.run() }
        let secondPaused = await eventually(timeout: .seconds(30)) {
            await second.gate.snapshot.state.hasPrefix("paused")
        }
        XCTAssertTrue(secondPaused, "the second replica meets the refusal too")
        rig.erp.faults.update { $0.rejectCredentials = false }
        let done = await eventually(timeout: .seconds(60)) { second.counters.snapshot.consumed >= stream.count }
        XCTAssertTrue(done, "the second replica got every event: the first committed nothing")
        second.stop()
        await runSecond.value
        XCTAssertEqual(second.counters.snapshot.consumed, stream.count)
        XCTAssertTrue(logs.messages(atLeast: .notice).contains { $0.contains("destination resumed") })
        await rig.assertERPMatches(expected)
        await rig.finish()
    }

    /// Two dispatch replicas in one group on PostgreSQL share the partitions; one stops mid-run and
    /// the other takes over: every effect once, none out of order.
    func testTwoReplicasOnPostgresShareWithoutDuplicateEffects() async throws {
        let rig = try await DispatchRig.start(name: "dispatch-replicas", backend: .postgres)
        let matrix = try MappingMatrix.default
        let stream = CanonicalLifecycles.make(orders: 300, seed: 21, duplicateRatio: 0.1, matrix: matrix, prefix: "T")
        let expected = CanonicalLifecycles.expected(stream)
        let effects = expected.values.map(\.effects.count).reduce(0, +)
        rig.erp.faults.update {
            $0.latency = .milliseconds(2)
            $0.unavailableRatio = 0.1
        }
        let options = KafkaConsumerOptions(bufferCapacity: 400, maxBatchSize: 100)
        let first = try rig.stage(replica: "dispatch-a", options: options)
        let second = try rig.stage(replica: "dispatch-b", options: options)
        let runFirst = Task { await first.run() }
        let runSecond = Task { await second.run() }
        try await rig.publish(stream)
        let both = await eventually(timeout: .seconds(60)) {
            first.counters.snapshot.consumed > 0 && second.counters.snapshot.consumed > 0
        }
        XCTAssertTrue(both, "both replicas dispatched")
        let partly = await waitMakingProgress(
            progress: { await rig.erp.store.appliedWrites },
            until: {
                await rig.erp.store.appliedWrites >= effects * 4 / 10
            })
        XCTAssertTrue(partly.isDone, "\(partly)")
        second.stop()
        await runSecond.value
        let complete = await waitMakingProgress(
            progress: { await rig.erp.store.appliedWrites },
            until: {
                await rig.erp.store.appliedWrites >= effects
            })
        XCTAssertTrue(complete.isDone, "\(complete)")
        // Let the survivor finish what it re-reads after taking the partitions over.
        let settled = await eventually(timeout: .seconds(60)) {
            first.consumerStatistics.bufferedMessages == 0 && first.counters.snapshot.batches > 0
        }
        XCTAssertTrue(settled, "the survivor drained its buffer: \(first.consumerStatistics)")
        first.stop()
        await runFirst.value
        await rig.assertERPMatches(expected)
        let rows = try await rig.appliedEffectRows()
        let expectedIDs = Set(expected.values.flatMap(\.effects).map(\.id))
        XCTAssertEqual(
            Set(rows.keys).symmetricDifference(expectedIDs).count, 0,
            "audited \(rows.count), expected \(expectedIDs.count): \(Set(rows.keys).symmetricDifference(expectedIDs).prefix(5))"
        )
        let (a, b) = (first.counters.snapshot, second.counters.snapshot)
        print("dispatch replicas (postgres): a \(a.consumed) events/\(a.effects) effects, b \(b.consumed)/\(b.effects)")
        await rig.finish()
    }
}
