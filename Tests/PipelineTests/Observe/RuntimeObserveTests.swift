import DriftlessTesting
import Foundation
import Pipeline
import Simulators
import XCTest

/// The runtime's wiring: breaker states reach `/metrics` and the alert rules through the health
/// state (which the dispatch gate reports to), and a retried webhook only reaches the log.
final class RuntimeObserveTests: XCTestCase {
    func testBreakerStateReachesMetricsAndAlertsAndARetriedWebhookDoesNotAlert() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let fixture = try await PipelineFixture.start(broker: broker, stages: [.ingest]) {
            $0.alerts.rules = [
                AlertRule(kind: .breakerOpen, sustain: .zero, severity: .high), .standard(.mismatches),
            ]
        }
        let engine = fixture.runtime.alerts.engine
        fixture.runtime.health.setComponent("erp", "closed")
        fixture.runtime.health.setComponent("erp", "open")
        XCTAssertTrue(engine.isFiring(.breakerOpen))
        var text = try PrometheusText(try await getText(fixture.baseURL + "/metrics").text)
        XCTAssertEqual(text.value("driftless_breaker_state", ["destination": "erp", "state": "open"]), 1)
        XCTAssertEqual(text.value("driftless_breaker_transitions_total", ["destination": "erp", "to": "open"]), 1)
        fixture.runtime.health.setComponent("erp", "closed")
        XCTAssertFalse(engine.isFiring(.breakerOpen))
        text = try PrometheusText(try await getText(fixture.baseURL + "/metrics").text)
        XCTAssertEqual(text.value("driftless_breaker_state", ["destination": "erp", "state": "closed"]), 1)

        // The same webhook twice: the second is a retry, deduplicated, and no rule fires.
        let deliveries = try await makeLifecycles(store: StorefrontStore(seed: 3), orders: 1)
        let first = try XCTUnwrap(deliveries.first)
        let deliverer = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.secret)
        _ = await deliverer.send([first, first], plan: WebhookFaultPlan(), concurrency: 1)
        text = try PrometheusText(try await getText(fixture.baseURL + "/metrics").text)
        XCTAssertEqual(
            text.value("driftless_ingest_requests_total", ["route": "/webhooks/shopify", "status": "200"]), 2)
        XCTAssertFalse(engine.isFiring(.mismatches))
        try await fixture.stop()
        try? FileManager.default.removeItem(at: fixture.directory)
    }
}
