import DriftlessTesting
import Kafka
import Logging
import ServiceLifecycle
import Synchronization
import XCTest

/// The producer and the consumer as swift-service-lifecycle services on the mock cluster: each runs
/// until the group's graceful shutdown, then closes; the group shuts services down in reverse order,
/// so a producer listed first outlives whatever sends to it.
final class KafkaServiceTests: XCTestCase {
    func testProducerListedFirstServesTheSendsOfServicesStoppingBeforeIt() async throws {
        let broker = try TestBroker.mock()
        let topic = try await broker.createTopic("service")
        let producer = try KafkaProducer(config: broker.config(), logger: KafkaTestSupport.logger)
        let sender = LateSender(producer: producer, topic: topic, count: 20)
        let group = ServiceGroup(services: [producer, sender], logger: KafkaTestSupport.logger)
        let running = Task { try await group.run() }
        await group.triggerGracefulShutdown()
        try await running.value
        // The sender sent its records only once its own shutdown began: the producer was still open.
        XCTAssertEqual(try sender.outcome.get().count, 20, "every late record acknowledged")
        do {
            _ = try await producer.send(ProducerRecord(topic: topic, key: "k", value: "after"))
            XCTFail("the producer's service closed it")
        } catch let error as KafkaError {
            XCTAssertEqual(error, .closed)
        }
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("service"), topics: [topic],
            logger: KafkaTestSupport.logger)
        let messages = try await broker.consume(consumer, count: 20)
        XCTAssertEqual(Set(messages.compactMap(\.valueString)), Set((0..<20).map { "late-\($0)" }))
    }

    func testCancelledProducerServiceLeavesTheCloseToItsOwner() async throws {
        let broker = try TestBroker.mock()
        let topic = try await broker.createTopic("cancelled")
        let producer = try KafkaProducer(config: broker.config(), logger: KafkaTestSupport.logger)
        let group = ServiceGroup(services: [producer], logger: KafkaTestSupport.logger)
        let running = Task { try await group.run() }
        running.cancel()
        _ = await running.result
        // Parts still draining after a cancellation can send; the owner closes afterwards.
        let report = try await producer.send(ProducerRecord(topic: topic, key: "k", value: "still open"))
        XCTAssertEqual(report.topic, topic)
        await producer.shutdown()
        do {
            _ = try await producer.send(ProducerRecord(topic: topic, key: "k", value: "after"))
            XCTFail("shut down by its owner")
        } catch let error as KafkaError {
            XCTAssertEqual(error, .closed)
        }
    }

    func testConsumerServiceCommitsAndLeavesOnGracefulShutdown() async throws {
        let broker = try TestBroker.mock()
        let topic = try await broker.createTopic("consumer-service")
        try await broker.produce(topic: topic, count: 10)
        let groupID = broker.uniqueName("consumer-service")
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: groupID, topics: [topic], logger: KafkaTestSupport.logger)
        let group = ServiceGroup(services: [consumer], logger: KafkaTestSupport.logger)
        let running = Task { try await group.run() }
        let messages = try await broker.consume(consumer, count: 10, close: false)
        XCTAssertEqual(messages.count, 10)
        await group.triggerGracefulShutdown()
        try await running.value
        var iterator = consumer.messages.makeAsyncIterator()
        let next = await iterator.next()
        XCTAssertNil(next, "closed: the messages end")
        let lag = try await KafkaAdmin(config: broker.config()).lag(group: groupID, topics: [topic])
        XCTAssertEqual(lag.map(\.committed), [10], "the acknowledged offsets were committed on close")
    }
}

/// Sends `count` records once its graceful shutdown begins, as a stage finishing its batch in hand does.
private final class LateSender: Service, Sendable {
    let producer: KafkaProducer
    let topic: String
    let count: Int
    private let result = Mutex<Result<[DeliveryReport], any Error>>(.failure(CancellationError()))

    init(producer: KafkaProducer, topic: String, count: Int) {
        self.producer = producer
        self.topic = topic
        self.count = count
    }

    var outcome: Result<[DeliveryReport], any Error> { result.withLock { $0 } }

    func run() async throws {
        try await gracefulShutdown()
        let records = (0..<count).map { ProducerRecord(topic: topic, key: "k\($0 % 3)", value: "late-\($0)") }
        do {
            let reports = try await producer.send(records)
            result.withLock { $0 = .success(reports) }
        } catch {
            result.withLock { $0 = .failure(error) }
        }
    }
}
