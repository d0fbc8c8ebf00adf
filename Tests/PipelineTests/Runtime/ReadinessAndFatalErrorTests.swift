import AsyncHTTPClient
import DriftlessTesting
import Foundation
@_spi(Testing) import Kafka
@_spi(Testing) import Pipeline
import Simulators
import XCTest

/// Issue 9, items 2 and 6 and the `/readyz` text: readiness follows the broker and recovers on its
/// own; a fatal producer error ends the process so another replica takes its partitions over.
final class ReadinessAndFatalErrorTests: XCTestCase {
    func testReadinessRecoversWithoutTrafficOnceTheBrokerIsBack() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let cluster = try XCTUnwrap(broker.mockCluster)
        let fixture = try await PipelineFixture.start(broker: broker, stages: [.ingest]) {
            $0.sendTimeout = .milliseconds(800)
            $0.healthProbeInterval = .milliseconds(300)
        }
        let delivery = await StorefrontStore(seed: 9).createOrder(paid: true).webhooks[0]
        let deliverer = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.secret)

        try cluster.setBrokerDown(1)
        let failed = await deliverer.attemptOnce(delivery)
        XCTAssertEqual(failed, 503)
        let (notReady, text) = try await getText("\(fixture.baseURL)/readyz")
        XCTAssertEqual(notReady, 503)
        XCTAssertEqual(text, "kafka-unavailable", "a short code, no broker error text")

        // Broker back, nothing sent: the probe alone brings readiness back.
        try cluster.setBrokerUp(1)
        let recovered = try await eventually(timeout: .seconds(30)) {
            try await getText("\(fixture.baseURL)/readyz").status == 200
        }
        XCTAssertTrue(recovered, "/readyz is 200 again without any webhook")
        try await fixture.stop()
        try? FileManager.default.removeItem(at: fixture.directory)
    }

    func testTheProbeTurnsReadinessOffWhenTheBrokerStopsAnswering() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let cluster = try XCTUnwrap(broker.mockCluster)
        let fixture = try await PipelineFixture.start(broker: broker, stages: [.ingest]) {
            $0.healthProbeInterval = .milliseconds(300)
        }
        let ready = try await getText("\(fixture.baseURL)/readyz")
        XCTAssertEqual(ready.status, 200)
        XCTAssertEqual(ready.text, "ok")
        try cluster.setBrokerDown(1)
        let off = try await eventually(timeout: .seconds(30)) {
            try await getText("\(fixture.baseURL)/readyz").status == 503
        }
        XCTAssertTrue(off, "not ready while no broker answers, even with no traffic")
        let alive = try await getText("\(fixture.baseURL)/healthz")
        XCTAssertEqual(alive.status, 200, "an unreachable broker is not a reason to restart")
        try cluster.setBrokerUp(1)
        try await fixture.stop()
        try? FileManager.default.removeItem(at: fixture.directory)
    }

    func testAFatalProducerErrorEndsTheProcessAndAnotherReplicaTakesOver() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let prefix = broker.uniqueName("fatal")
        let doomed = try await PipelineFixture.start(broker: broker, stages: [.validate], prefix: prefix, replica: "a")
        let survivor = try await PipelineFixture.start(
            broker: broker, stages: [.validate], prefix: prefix, replica: "b")
        let stageA = try XCTUnwrap(doomed.runtime.validate)
        let stageB = try XCTUnwrap(survivor.runtime.validate)
        let balanced = await eventually(timeout: .seconds(60)) {
            stageA.consumerStatistics.assignedPartitions > 0 && stageB.consumerStatistics.assignedPartitions > 0
        }
        XCTAssertTrue(balanced, "both replicas hold partitions")

        doomed.runtime.producerForTesting.triggerFatalErrorForTesting()
        let store = StorefrontStore(seed: 12)
        let deliveries = try await makeLifecycles(store: store, orders: 12, seed: 12)
        let feeder = try KafkaProducer(config: broker.config())
        _ = try await feeder.send(try deliveries.map { try ingestRecord($0, topic: doomed.topics.ingestRaw).record })

        // The doomed process ends with the fatal error and says it is not alive.
        let ended = Task { try await doomed.runtime.wait() }
        let outcome = try await withDeadline(.seconds(60)) { await ended.result }
        guard case .failure(let error)? = outcome else {
            return XCTFail("the process did not end: \(String(describing: outcome))")
        }
        guard case .kafkaFatal = error as? PipelineRuntimeError else { return XCTFail("\(error)") }
        XCTAssertFalse(doomed.runtime.health.liveness.alive)
        XCTAssertEqual(doomed.runtime.health.condition, .fatal)

        // Every record reaches the validated topic through the surviving replica.
        let validated = try await readAll(
            broker, topic: doomed.topics.validated, count: deliveries.count, timeout: .seconds(90))
        let ids = Set(validated.compactMap { HeaderMap($0.headers)[EnvelopeHeader.eventID] })
        XCTAssertEqual(ids, Set(deliveries.map(\.webhookID)), "nothing was left behind with the failed replica")
        try await survivor.stop()
        for fixture in [doomed, survivor] { try? FileManager.default.removeItem(at: fixture.directory) }
    }
}

/// GETs `url`; returns the status and the body without its trailing newline.
func getText(_ url: String) async throws -> (status: Int, text: String) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines))
}
