import AsyncHTTPClient
import DriftlessTesting
import Foundation
import Kafka
import Logging
import NIOCore
import Pipeline
import Simulators
import XCTest

/// `/metrics` of a real pipeline on the mock cluster (webhooks → validate → translate → dispatch →
/// ERP simulator): valid Prometheus text whose counters move as events flow.
final class MetricsEndpointTests: XCTestCase {
    func testMetricsParseAndMoveAsEventsFlowOnMockCluster() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let testERP = try await TestERP.start()
        let erp = testERP.simulator
        let fixture = try await PipelineFixture.start(broker: broker) {
            $0.erp = testERP.configuration()
            $0.metricsSampleInterval = .milliseconds(200)
        }
        let before = try await Self.scrape(fixture)
        XCTAssertNil(before.value("driftless_stage_records_total"), "nothing settled yet")
        XCTAssertEqual(before.value("driftless_breaker_state", ["destination": "erp", "state": "closed"]), 1)
        XCTAssertEqual(before.value("driftless_breaker_state", ["destination": "erp", "state": "open"]), 0)

        let deliveries = try await makeLifecycles(store: StorefrontStore(seed: 7), orders: 20)
        let deliverer = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.secret)
        _ = await deliverer.send(deliveries, plan: WebhookFaultPlan(shuffle: false, seed: 1), concurrency: 4)
        let accepted = await deliverer.stats.delivered
        XCTAssertEqual(accepted, deliveries.count)
        // One unsigned webhook: refused, counted by its status.
        _ = try? await postText(fixture.webhookURL, body: "{}")

        let synced = try await eventually(timeout: .seconds(120)) {
            let now = try await Self.scrape(fixture)
            return (now.value("driftless_sync_total", ["result": "success"]) ?? 0) >= 20
                && (now.value("driftless_time_to_sync_seconds_count") ?? 0) > 0
                && now.value("driftless_consumer_lag_messages", ["group": fixture.topics.consumerGroup(for: .dispatch)])
                    == 0
        }
        let after = try await Self.scrape(fixture)
        XCTAssertTrue(
            synced,
            "dispatch synced and the lag drained:\n\(after.samples.filter { $0.name.contains("sync") || $0.name.contains("lag") })"
        )
        XCTAssertEqual(
            after.value("driftless_ingest_requests_total", ["route": "/webhooks/shopify", "status": "200"]).map(
                Int.init), deliveries.count)
        let refused = after.samples.filter {
            $0.name == "driftless_ingest_requests_total" && $0.labels["status"] != "200"
        }
        XCTAssertEqual(refused.reduce(0) { $0 + $1.value }, 1, "\(refused)")
        // The dead-letter stage's consumer is sampled and its open cases counted (nothing failed: none).
        XCTAssertNotNil(after.value("driftless_consumer_buffer_capacity_messages", ["stage": "dead-letter"]))
        XCTAssertNotNil(after.value("driftless_consumer_buffer_capacity_messages", ["stage": "retry"]))
        XCTAssertEqual(after.value("driftless_dead_letter_open_cases"), 0)
        for stage in ["validate", "translate", "dispatch"] {
            XCTAssertGreaterThan(
                after.value("driftless_stage_records_total", ["stage": stage, "outcome": "consumed"]) ?? 0, 0, stage)
            XCTAssertGreaterThan(after.value("driftless_stage_batches_total", ["stage": stage]) ?? 0, 0, stage)
            XCTAssertNotNil(after.value("driftless_consumer_buffer_capacity_messages", ["stage": stage]), stage)
        }
        XCTAssertEqual(
            after.value("driftless_stage_records_total", ["stage": "validate", "outcome": "consumed"]).map(Int.init),
            deliveries.count, "validate consumed every accepted webhook once")
        XCTAssertGreaterThan(
            after.value("driftless_stage_records_total", ["stage": "dispatch", "outcome": "effect"]) ?? 0, 0)
        XCTAssertGreaterThan(after.value("driftless_time_to_sync_seconds_count", ["from": "channel_event"]) ?? 0, 0)
        XCTAssertGreaterThan(after.value("driftless_time_to_sync_seconds_count", ["from": "ingest_received"]) ?? 0, 0)
        XCTAssertEqual(after.types["driftless_time_to_sync_seconds"], "histogram")
        XCTAssertEqual(after.value("driftless_sync_total", ["result": "failure"]) ?? 0, 0)
        // Conventions: counters end in _total; nothing else does.
        for (name, type) in after.types {
            XCTAssertTrue(name.hasPrefix("driftless_"), name)
            XCTAssertEqual(type == "counter", name.hasSuffix("_total"), "\(name) is a \(type)")
        }
        // promtool agrees (when installed: scripts/install-deps brings it).
        let (_, raw) = try await getText(fixture.baseURL + "/metrics")
        if let check = try await PromTool.checkMetrics(raw + "\n") {
            XCTAssertEqual(check.status, 0, check.output)
            XCTAssertEqual(check.output.trimmingCharacters(in: .whitespacesAndNewlines), "", check.output)
        }
        XCTAssertTrue(raw.contains("# HELP driftless_time_to_sync_seconds "), "documented metrics")
        // Counters only grow between scrapes.
        let again = try await Self.scrape(fixture)
        for sample in after.samples where after.types[sample.name] == "counter" {
            XCTAssertGreaterThanOrEqual(again.value(sample.name, sample.labels) ?? -1, sample.value, sample.name)
        }
        try await fixture.stop()
        await erp.stop()
        try? FileManager.default.removeItem(at: fixture.directory)
    }

    private static func scrape(_ fixture: PipelineFixture) async throws -> PrometheusText {
        let (status, text) = try await getText(fixture.baseURL + "/metrics")
        XCTAssertEqual(status, 200)
        return try PrometheusText(text)
    }
}

/// POSTs `body` as JSON to `url` (no signature) and returns the status.
@discardableResult
private func postText(_ url: String, body: String) async throws -> Int {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    _ = try await response.body.collect(upTo: 1 << 16)
    return Int(response.status.code)
}
