import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// One chain drains a held order: its head read again by dispatch (a replayed head record) starts a
/// new chain and the older record, now on another tier read by another retry replica, is stale
/// (issue 25, item 5).
final class HoldGenerationTests: XCTestCase {
    private func retryReplica(
        _ rig: DispatchRig, replica: String, tiers: [String], policy: DispatchPolicy
    ) throws -> RetryStage {
        var logger = Logger(label: "retry-\(replica)")
        logger.logLevel = .warning
        return try RetryStage(
            kafka: rig.rig.broker.consumerConfig(), topics: rig.topics, erp: rig.erpConfiguration(), policy: policy,
            tiers: tiers, sink: rig.producer, audit: LedgerAuditSink(writer: rig.rig.writer),
            parking: rig.parking(), replica: replica, logger: logger)
    }

    func testAReplayedHeadRecordDoesNotStartASecondDrain() async throws {
        let rig = try await DispatchRig.start(name: "hold-generation", partitions: 1)
        let matrix = try MappingMatrix.default
        let key = OrderKey(channel: .shopify, orderID: "GEN1")
        let events = CanonicalLifecycles.lifecycle(key, kind: .happy, matrix: matrix)
        XCTAssertGreaterThanOrEqual(events.count, 3)
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = 1
        policy.breakerConsecutiveFailures = 1_000_000
        policy.breakerWindow = 1_000_000
        policy.viewTTL = .zero
        policy.retryTiers = ["1s", "4s"].compactMap(RetryTier.init)
        for tier in policy.retryTiers {
            try? await rig.rig.broker.createTopic(named: rig.topics.retry(tier: tier.name), partitions: 1)
        }
        rig.erp.faults.update {
            $0.invalidOrders = [ERPEffect.externalID("so", "shopify", "GEN1")]
            $0.invalidStatus = 503
        }
        try await rig.publish(events)
        let dispatch = try rig.stage(policy: policy)
        let first = try retryReplica(rig, replica: "retry-first", tiers: ["1s"], policy: policy)
        let second = try retryReplica(rig, replica: "retry-second", tiers: ["4s"], policy: policy)
        let runs = [Task { await dispatch.run() }, Task { await first.run() }, Task { await second.run() }]
        let parking = try rig.parking()
        let held = await eventually(timeout: .seconds(30)) {
            (try? await parking.parkingCounts()).map { $0.held == 1 && $0.parked == events.count - 1 } ?? false
        }
        XCTAssertTrue(held, "the order is held, its later events parked")
        // The head failed on the first tier and climbed to the second (read by the other replica).
        let climbed = await eventually(timeout: .seconds(30)) { first.counters.snapshot.retried >= 1 }
        XCTAssertTrue(climbed)
        // The ERP heals but answers slowly (a drain takes seconds), and the head's canonical record is
        // read again, as after a crash between its retry record and its offset commit.
        rig.erp.faults.update {
            $0.invalidOrders = []
            $0.latency = .milliseconds(150)
        }
        try await rig.publish([events[0]])
        let released = await eventually(timeout: .seconds(90)) {
            (try? await parking.parkingCounts()).map { $0.held == 0 && $0.parked == 0 } ?? false
        }
        XCTAssertTrue(released, "the order is released")
        // The older chain's record (due 4 s after it climbed) has been handled too.
        let handled = await eventually(timeout: .seconds(30)) {
            second.counters.snapshot.consumed >= 1
        }
        XCTAssertTrue(handled)
        dispatch.stop()
        first.stop()
        second.stop()
        for run in runs { await run.value }
        try await rig.rig.writer.flush()
        // Dispatch rows written by the retry replicas (their stage is `dispatch`, their replica the retry one's).
        let rows = try await rig.rig.ledger.search(AuditQuery(hops: [.dispatched], limit: 10_000))
        // One chain: every event was dispatched by one retry replica, no effect written twice, and no
        // event found "up to date" by a second drain after its writes (or twice).
        var replicas: [String: Set<String>] = [:]
        var upToDate: [String: Int] = [:]
        var effects: [String: Int] = [:]
        for row in rows where row.replica?.hasPrefix("retry-") == true {
            replicas[row.eventID, default: []].insert(row.replica ?? "")
            if row.reason == "up-to-date" {
                upToDate[row.eventID, default: 0] += 1
            } else if let detail = row.detail, detail.hasPrefix("effect ") {
                effects[String(detail.split(separator: " ")[1]), default: 0] += 1
            }
        }
        XCTAssertEqual(
            Set(replicas.values.flatMap { $0 }), ["retry-first"], "only the newest chain drained: \(replicas)")
        for event in events {
            XCTAssertEqual(replicas[event.eventID]?.count, 1, "\(event.eventID) drained by one chain: \(replicas)")
            let found = upToDate[event.eventID] ?? 0
            XCTAssertTrue(found <= 1, "\(event.eventID) found up to date \(found) times")
        }
        XCTAssertEqual(effects.filter { $0.value > 1 }, [:], "no effect written twice")
        await rig.assertERPMatches(CanonicalLifecycles.expected(events))
        await rig.finish()
    }
}
