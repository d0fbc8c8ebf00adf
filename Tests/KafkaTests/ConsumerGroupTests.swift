import DriftlessTesting
import Kafka
import XCTest

/// Consumer groups against librdkafka's mock cluster (see `TansuTests` for the same on Tansu).
final class ConsumerGroupTests: XCTestCase {
    func testTwoConsumersSplitLoadAndHandOverWithoutLoss() async throws {
        try await ConsumerGroupScenarios.twoConsumersSplitAndHandOver(broker: TestBroker.mock(brokers: 3))
    }

    func testUnacknowledgedMessagesAreRedeliveredAfterRestart() async throws {
        try await ConsumerGroupScenarios.unacknowledgedAreRedelivered(broker: TestBroker.mock())
    }

    func testPauseUntilResumesWhenDue() async throws {
        let broker = try TestBroker.mock()
        let topic = try await broker.createTopic("pause", partitions: 1)
        let consumer = try KafkaConsumer(config: broker.consumerConfig(), groupID: broker.uniqueName("pause"), topics: [topic], logger: KafkaTestSupport.logger)
        try await broker.produce(topic: topic, count: 1)
        let warmup = try await broker.consume(consumer, count: 1, timeout: .seconds(20), close: false)
        XCTAssertEqual(warmup.count, 1)

        let clock = ContinuousClock()
        let pausedAt = clock.now
        consumer.pause(topic: topic, partition: 0, until: Date().addingTimeInterval(1.5))
        try await Task.sleep(for: .milliseconds(200))
        try await broker.produce(topic: topic, count: 5)
        let later = try await broker.consume(consumer, count: 5, timeout: .seconds(10), close: false)
        let waited = clock.now - pausedAt
        XCTAssertEqual(later.count, 5)
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(1_400), "nothing arrives while paused")
        XCTAssertLessThan(waited, .seconds(5), "resumed when due")
        await consumer.close()
    }
}
