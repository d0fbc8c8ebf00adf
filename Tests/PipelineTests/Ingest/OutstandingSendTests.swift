import DriftlessTesting
import Foundation
import Kafka
import Pipeline
import Simulators
import Synchronization
import XCTest

/// Issue 9, smaller items: during a Kafka outage timed-out ingest sends do not pile up without
/// bound, and a send waiting for room in the producer's queue gives up at the caller's deadline.
final class OutstandingSendTests: XCTestCase {
    func testOutstandingIngestSendsAreBoundedDuringAnOutage() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let cluster = try XCTUnwrap(broker.mockCluster)
        let fixture = try await PipelineFixture.start(broker: broker, stages: [.ingest]) {
            $0.sendTimeout = .milliseconds(200)
            $0.maxPendingSends = 3
        }
        let ingest = try XCTUnwrap(fixture.runtime.webhooks)
        let store = StorefrontStore(seed: 21)
        var deliveries: [WebhookDelivery] = []
        for _ in 0..<8 { deliveries.append(await store.createOrder(paid: true).webhooks[0]) }
        let deliverer = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.secret)

        try cluster.setBrokerDown(1)
        for delivery in deliveries {
            let status = await deliverer.attemptOnce(delivery)
            XCTAssertEqual(status, 503)
            XCTAssertLessThanOrEqual(ingest.outstandingSends, 3, "never more than the bound in flight")
        }
        XCTAssertEqual(ingest.outstandingSends, 3, "the first three are still waiting in librdkafka")

        // Broker back: the outstanding sends settle, and Shopify's retries get through.
        try cluster.setBrokerUp(1)
        let drained = await eventually(timeout: .seconds(60)) { ingest.outstandingSends == 0 }
        XCTAssertTrue(drained)
        for delivery in deliveries {
            let status = await deliverer.attemptOnce(delivery)
            XCTAssertEqual(status, 200)
        }
        try await fixture.stop()
        try? FileManager.default.removeItem(at: fixture.directory)
    }

    func testAQueueFullWaitEndsAtTheCallersDeadline() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let cluster = try XCTUnwrap(broker.mockCluster)
        let topic = try await broker.createTopic("queue-full")
        let producer = try KafkaProducer(config: broker.config(["queue.buffering.max.messages": "1"]))
        _ = try await producer.send(ProducerRecord(topic: topic, key: "k", value: "warm-up"))
        try cluster.setBrokerDown(1)

        let settled = Mutex([false, false])
        for index in 0..<2 {
            do {
                _ = try await producer.send(
                    ProducerRecord(topic: topic, key: "k", value: "v\(index)"), timeout: .milliseconds(300)
                ) {
                    settled.withLock { $0[index] = true }
                }
                XCTFail("no broker, no ack")
            } catch let error as SendTimeoutError {
                XCTAssertEqual(error, .timedOut(.milliseconds(300)))
            }
        }
        // The second send never got into librdkafka's full queue: it gave up at its deadline.
        let gaveUp = await eventually(timeout: .seconds(5)) { settled.withLock { $0[1] } }
        XCTAssertTrue(gaveUp, "the QUEUE_FULL wait stopped at the deadline")
        XCTAssertFalse(settled.withLock { $0[0] }, "the first record is still queued in librdkafka")
        try cluster.setBrokerUp(1)
        await producer.close(timeout: .seconds(5))
    }
}
