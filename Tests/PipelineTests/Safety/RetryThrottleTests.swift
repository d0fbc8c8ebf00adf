import DriftlessTesting
import Foundation
import Kafka
import Ledger
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Being throttled does not use up the retry ladder: a record answered `Retry-After` stays on its
/// tier and is given up only once the tiers' total delay has passed since its first failure, not
/// after a number of rounds (issue 25, item 2).
final class RetryThrottleTests: XCTestCase {
    let tiers = ["1s", "20s"].compactMap(RetryTier.init)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func hop(_ message: KafkaMessage, at time: Date) -> (RetryRoute?, KafkaMessage) {
        let throttled = DispatchResult.exhausted(
            effect: "shopify:1#status#v1", attempts: 1, lastStatus: 429, retryAfter: .seconds(1), detail: "429",
            applied: [])
        let route = RetryRoute.next(after: throttled, message: message, tiers: tiers, now: time)
        guard let route else { return (nil, message) }
        let output = DispatchRecords.routed(
            message, orderKey: "shopify:1", eventID: "e1", route, topics: PipelineTopics(), stage: .retry,
            replica: "r")
        return (
            route,
            KafkaMessage(
                topic: output.record.topic, partition: 0, offset: 7, key: output.record.key,
                value: output.record.value, headers: output.record.headers)
        )
    }

    func testThrottledRoundsAreBoundedByTheTiersTotalDelayNotByTheirCount() {
        var message = KafkaMessage(
            topic: "driftless.canonical", partition: 0, offset: 1, key: Array("shopify:1".utf8),
            value: Array("{}".utf8), headers: [KafkaHeader(key: "dl-event-id", string: "e1")])
        // One throttled round a second for 20 s: far more rounds than 4 per tier, within the 21 s of the tiers.
        for second in 0..<20 {
            let (route, next) = hop(message, at: start.addingTimeInterval(Double(second)))
            guard case .retry(let tier, let envelope) = route else {
                return XCTFail("second \(second): \(String(describing: route))")
            }
            XCTAssertEqual(tier.name, "1s", "throttled: no climb")
            XCTAssertEqual(envelope.firstFailure, start)
            message = next
        }
        // Past the tiers' total (21 s) since the first failure, it is given up.
        let (late, _) = hop(message, at: start.addingTimeInterval(22))
        guard case .deadLetter(_, let reason) = late else { return XCTFail("\(String(describing: late))") }
        XCTAssertTrue(reason.description.contains("21"), reason.description)
    }

    /// An ERP answering every request 429 + `Retry-After: 1` for 12 s — more than the 4 × 2 rounds the
    /// tiers allowed before — and then healthy: the order's first event is not dead-lettered and its
    /// later events, parked behind it, land after it in order.
    func testAnERPThrottlingLongerThanTheRoundsAllowedDoesNotDeadLetter() async throws {
        let rig = try await DispatchRig.start(name: "retry-throttled", partitions: 1)
        let matrix = try MappingMatrix.default
        let events = CanonicalLifecycles.lifecycle(
            OrderKey(channel: .shopify, orderID: "THROTTLED1"), kind: .happy, matrix: matrix)
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = 1
        policy.breakerConsecutiveFailures = 1_000_000
        policy.breakerWindow = 1_000_000
        policy.retryTiers = tiers
        for tier in policy.retryTiers {
            try? await rig.rig.broker.createTopic(named: rig.topics.retry(tier: tier.name), partitions: 1)
        }
        rig.erp.faults.update {
            $0.throttledRatio = 1
            $0.retryAfterSeconds = 1
        }
        try await rig.publish(events)
        let dispatch = try rig.stage(policy: policy)
        let retry = try rig.retryStage(policy: policy)
        let runs = [Task { await dispatch.run() }, Task { await retry.run() }]
        let parking = try rig.parking()
        let held = await eventually(timeout: .seconds(30)) {
            (try? await parking.parkingCounts()).map { $0.held == 1 && $0.parked == events.count - 1 } ?? false
        }
        XCTAssertTrue(held, "the order is held with its later events parked")
        // Throttled for 12 s by the simulator's own clock of requests (no sleep used to synchronise:
        // the retry stage's rounds are what is waited for).
        let throttledSince = ContinuousClock.now
        let manyRounds = await eventually(timeout: .seconds(60)) {
            retry.counters.snapshot.retried >= 9 && ContinuousClock.now - throttledSince >= .seconds(12)
        }
        XCTAssertTrue(manyRounds, "retried \(retry.counters.snapshot.retried) rounds")
        rig.erp.faults.update { $0.throttledRatio = 0 }
        let released = await eventually(timeout: .seconds(60)) {
            (try? await parking.parkingCounts()).map { $0.held == 0 && $0.parked == 0 } ?? false
        }
        dispatch.stop()
        retry.stop()
        for run in runs { await run.value }
        XCTAssertTrue(released, "the order is released once its head landed")
        let counts = (dispatch: dispatch.counters.snapshot, retry: retry.counters.snapshot)
        XCTAssertEqual(counts.dispatch.deadLettered + counts.retry.deadLettered, 0, "nothing dead-lettered: \(counts)")
        await rig.assertERPMatches(CanonicalLifecycles.expected(events))
        await rig.finish()
    }
}
