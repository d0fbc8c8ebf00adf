import Foundation
import Ledger
import OrderModel
import XCTest

@testable import Kafka
@testable import Pipeline

/// The metrics hook without I/O: what a settled batch, a breaker transition and an ingest answer
/// become in the exposition, and what reaches the alert rules.
final class PipelineMetricsTests: XCTestCase {
    private func message(eventID: String, source: Date, received: Date, offset: Int64) -> KafkaMessage {
        let envelope = Envelope(
            eventID: eventID, channel: .shopify, orderID: "1\(offset)", kind: "canonical/PAID",
            receivedAt: received, sourceTimestamp: source)
        return KafkaMessage(
            topic: "dl.canonical", partition: 0, offset: offset, key: nil, value: nil, headers: envelope.headers,
            timestamp: nil)
    }

    private func text(_ metrics: PipelineMetrics) throws -> PrometheusText {
        try PrometheusText(String(decoding: metrics.exposition(), as: UTF8.self))
    }

    func testDispatchBatchBecomesRecordsSyncRetriesTimeToSyncAndMismatches() throws {
        let engine = AlertEngine(rules: [.standard(.mismatches)])
        let metrics = PipelineMetrics(alerts: engine)
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        let batch = [
            message(eventID: "e1", source: now - 30, received: now - 20, offset: 0),
            message(eventID: "e2", source: now - 4000, received: now - 2, offset: 1),
            message(eventID: "e3", source: now - 1, received: now - 1, offset: 2),
        ]
        let audit = [
            AuditRecord(
                hop: .dispatched, orderKey: "shopify:10", eventID: "e1", stage: "dispatch", httpStatus: 204,
                reason: "status", detail: "effect x → salesOrder eid:so-1 after 3 attempts"),
            AuditRecord(
                hop: .dispatched, orderKey: "shopify:11", eventID: "e2", stage: "dispatch", httpStatus: 204,
                reason: "deposit", detail: "effect y → customerDeposit eid:cd-1"),
            AuditRecord(
                hop: .dispatched, orderKey: "shopify:12", eventID: "e3", stage: "dispatch", reason: "up-to-date"),
            AuditRecord(
                hop: .quarantined, orderKey: "shopify:13", eventID: "e4", stage: "dispatch", reason: "erp-refused"),
            AuditRecord(
                hop: .retried, orderKey: "shopify:14", eventID: "e5", stage: "dispatch", topic: "dl.retry.5m",
                reason: "HTTP 503"),
            AuditRecord(
                hop: .retried, orderKey: "shopify:15", eventID: "e6", stage: "dispatch", topic: "dl.canonical",
                reason: "retry-1m"),
            // A write landed, then the event was given up on: a failure.
            AuditRecord(
                hop: .dispatched, orderKey: "shopify:16", eventID: "e7", stage: "dispatch", httpStatus: 204,
                reason: "status"),
            AuditRecord(
                hop: .deadLettered, orderKey: "shopify:16", eventID: "e7", stage: "dispatch", reason: "erp-refused"),
        ]
        var counts = StageCounts()
        counts.consumed = 4
        counts.batches = 1
        counts.effects = 2
        counts.upToDate = 1
        counts.refused = 1
        counts.withheld = 6
        counts.unmatchedPayments = 1
        metrics.stageSettled(stage: .dispatch, batch: batch, audit: audit, counts: counts, now: now)
        let t = try text(metrics)
        XCTAssertEqual(t.value("driftless_stage_records_total", ["stage": "dispatch", "outcome": "consumed"]), 4)
        XCTAssertEqual(t.value("driftless_stage_records_total", ["stage": "dispatch", "outcome": "effect"]), 2)
        XCTAssertNil(t.value("driftless_stage_records_total", ["outcome": "stale"]), "zero outcomes are not invented")
        XCTAssertEqual(t.value("driftless_sync_total", ["result": "success"]), 3)
        XCTAssertEqual(t.value("driftless_sync_total", ["result": "failure"]), 2, "e4 quarantined, e7 dead-lettered")
        XCTAssertEqual(t.value("driftless_retries_total", ["stage": "dispatch", "tier": "in-place"]), 2)
        XCTAssertEqual(t.value("driftless_retries_total", ["stage": "dispatch", "tier": "5m"]), 1)
        XCTAssertEqual(t.value("driftless_retries_total", ["stage": "dispatch", "tier": "1m"]), 1)
        XCTAssertEqual(t.value("driftless_dead_lettered_total", ["stage": "dispatch"]), 1)
        XCTAssertEqual(t.value("driftless_quarantined_total", ["stage": "dispatch", "reason": "erp-refused"]), 1)
        // Only events whose write landed (e1, e2) are timed; e3 needed none.
        XCTAssertEqual(t.value("driftless_time_to_sync_seconds_count", ["from": "channel_event"]), 2)
        XCTAssertEqual(t.value("driftless_time_to_sync_seconds_sum", ["from": "channel_event"]), 4030)
        XCTAssertEqual(t.value("driftless_time_to_sync_seconds_sum", ["from": "ingest_received"]), 22)
        let le30 = t.samples.first {
            $0.name == "driftless_time_to_sync_seconds_bucket" && $0.labels["from"] == "channel_event"
                && $0.labels["le"].flatMap(Double.init) == 30
        }
        XCTAssertEqual(le30?.value, 1, "30 s is in the 30 s bucket, 4000 s is not")
        XCTAssertEqual(
            t.value("driftless_mismatches_total", ["pattern": "pattern-4-silentCancellation"]), 6)
        XCTAssertEqual(t.value("driftless_mismatches_total", ["pattern": "pattern-5-paymentGap"]), 1)
        XCTAssertTrue(engine.isFiring(.mismatches), "seven mismatches in a batch reach the alert rules")
    }

    func testBreakerStateIngestAnswersReconciliationAndOpenCases() throws {
        let metrics = PipelineMetrics()
        metrics.breaker(destination: "erp", state: "closed", transition: false)
        metrics.breaker(destination: "erp", state: "open", transition: true)
        metrics.ingestRequest(route: "/webhooks/shopify", status: 200)
        metrics.ingestRequest(route: "/webhooks/shopify", status: 200)
        metrics.ingestRequest(route: "/webhooks/shopify", status: 401)
        metrics.reconciliation(duration: .seconds(42), result: "drift-found", now: Date(timeIntervalSince1970: 1000))
        metrics.deadLetterOpenCases(3)
        var consumer = KafkaConsumerStatistics()
        consumer.assignedPartitions = 3
        consumer.pausedPartitions = 2
        metrics.consumer(stage: .retry, statistics: consumer)
        let t = try text(metrics)
        XCTAssertEqual(t.value("driftless_consumer_paused_partitions", ["stage": "retry"]), 2)
        XCTAssertEqual(t.value("driftless_breaker_state", ["destination": "erp", "state": "open"]), 1)
        XCTAssertEqual(t.value("driftless_breaker_state", ["destination": "erp", "state": "closed"]), 0)
        XCTAssertEqual(t.value("driftless_breaker_transitions_total", ["to": "open"]), 1)
        XCTAssertNil(
            t.value("driftless_breaker_transitions_total", ["to": "closed"]), "the initial state is no transition")
        XCTAssertEqual(t.value("driftless_ingest_requests_total", ["status": "200"]), 2)
        XCTAssertEqual(t.value("driftless_ingest_requests_total", ["status": "401"]), 1)
        XCTAssertEqual(t.value("driftless_reconciliation_runs_total", ["result": "drift-found"]), 1)
        XCTAssertEqual(t.value("driftless_reconciliation_duration_seconds_sum"), 42)
        XCTAssertEqual(t.value("driftless_reconciliation_last_success_timestamp_seconds"), 1000)
        XCTAssertEqual(t.value("driftless_dead_letter_open_cases"), 3)
        // Every exported family is documented with # HELP.
        let raw = String(decoding: metrics.exposition(), as: UTF8.self)
        for name in t.types.keys { XCTAssertTrue(raw.contains("# HELP \(name) "), name) }
    }

    func testEveryCataloguedMetricFollowsTheNamingConventions() {
        for name in MetricCatalog.help.keys {
            XCTAssertTrue(PrometheusText.isName(name) && name.hasPrefix("driftless_"), name)
            XCTAssertFalse(name.contains("milliseconds") || name.hasSuffix("_ms"), "base units: \(name)")
        }
    }
}
