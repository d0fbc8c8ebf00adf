import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Every hold has a way out (issue 25, item 6): the oldest hold's age is a metric and an alert, and
/// the retry stage's sweep re-arms a hold whose head is in no retry topic.
final class OrphanedHoldTests: XCTestCase {
    func testTheOldestHoldAgeIsSampledAndRaisesTheHeldOrdersAlert() async throws {
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-hold-age")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        let parking = try XCTUnwrap(ledger as? any ParkingStore)
        try await parking.hold(order: "shopify:OLD1", headEventID: "e-old")
        let engine = AlertEngine(rules: AlertRule.defaults, cooldown: .seconds(3600))
        let metrics = PipelineMetrics(alerts: engine)
        let sampler = MetricsSampler(
            metrics: metrics, interval: .seconds(3600), consumers: [], admin: nil, topics: PipelineTopics(),
            parking: parking, now: { Date().addingTimeInterval(3 * 3600) }, logger: Logger(label: "sampler"))
        await sampler.sample()
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("driftless_oldest_hold_age_seconds ") }
        let age = line.flatMap { Double($0.split(separator: " ").last ?? "") }
        XCTAssertNotNil(age, "the metric is exported:\n\(text.prefix(400))")
        XCTAssertGreaterThanOrEqual(age ?? 0, 3 * 3600 - 60)
        XCTAssertTrue(engine.isFiring(.heldOrders), "a hold older than the ladder raises the alert")
        await ledger.close()
    }

    /// A hold whose head has no retry record (cut short by a crash, or its record refused by the
    /// broker) and events parked behind it: the sweep re-arms it, so the parked events land in order
    /// and the order is released; the lost head becomes a dead-letter case.
    func testTheSweepReArmsAnOrphanedHold() async throws {
        let rig = try await DispatchRig.start(name: "hold-sweep", partitions: 1)
        let matrix = try MappingMatrix.default
        let key = OrderKey(channel: .shopify, orderID: "ORPHAN1")
        let events = CanonicalLifecycles.lifecycle(key, kind: .happy, matrix: matrix)
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = 2
        policy.retryTiers = ["200ms", "500ms"].compactMap(RetryTier.init)
        policy.holdSweepInterval = .milliseconds(200)
        policy.holdSweepGrace = .milliseconds(500)
        for tier in policy.retryTiers {
            try? await rig.rig.broker.createTopic(named: rig.topics.retry(tier: tier.name), partitions: 1)
        }
        let parking = try rig.parking()
        // The head (the first event) is held but in no retry topic; the others are parked behind it.
        try await parking.hold(order: key.description, headEventID: events[0].eventID)
        for (offset, event) in events.dropFirst().enumerated() {
            let record = CanonicalLifecycles.record(event, topics: rig.topics)
            let message = KafkaMessage(
                topic: record.topic, partition: 0, offset: Int64(offset + 1), key: record.key, value: record.value,
                headers: record.headers)
            let parked = try await parking.park(ParkedEvent(message, orderKey: key.description, eventID: event.eventID))
            XCTAssertTrue(parked)
        }
        let retry = try rig.retryStage(policy: policy)
        let run = Task { await retry.run() }
        let released = await eventually(timeout: .seconds(60)) {
            (try? await parking.parkingCounts()).map { $0.held == 0 && $0.parked == 0 } ?? false
        }
        retry.stop()
        await run.value
        XCTAssertTrue(released, "the orphaned hold was re-armed and drained")
        // Each event plans from the order's whole state, so the later ones carry what the head needed.
        await rig.assertERPMatches(CanonicalLifecycles.expected(events))
        try await rig.rig.writer.flush()
        let dead = try await rig.rig.ledger.search(AuditQuery(hops: [.deadLettered], stage: "retry", limit: 10))
        XCTAssertEqual(dead.map(\.eventID), [events[0].eventID], "the lost head is dead-lettered (a case)")
        await rig.finish()
    }
}
