import DriftlessTesting
import Kafka
import XCTest

final class MockClusterTests: XCTestCase {
    func testRoundTripOf10kKeyedMessagesPreservesPerKeyOrder() async throws {
        let broker = try TestBroker.mock(brokers: 3)
        let elapsed = try await KafkaTestSupport.roundTrip(broker: broker, count: 10_000, keys: 50, partitions: 6)
        print("mock round trip 10k: \(elapsed)")
    }

    func testTombstonesNullKeysAndHeadersRoundTrip() async throws {
        let broker = try TestBroker.mock()
        let topic = try await broker.createTopic("shapes", partitions: 1)
        let producer = try KafkaProducer(config: broker.config(), logger: KafkaTestSupport.logger)
        let records = [
            ProducerRecord(topic: topic, key: "a", value: nil),
            ProducerRecord(topic: topic, key: nil, value: "no key"),
            ProducerRecord(
                topic: topic, key: [], value: [],
                headers: [
                    KafkaHeader(key: "dl-event-id", string: "e-1"), KafkaHeader(key: "null", value: nil),
                ]),
        ]
        let reports = try await producer.send(records)
        XCTAssertEqual(reports.map(\.offset), [0, 1, 2])
        await producer.close()
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("shapes"), topics: [topic],
            logger: KafkaTestSupport.logger)
        let messages = try await broker.consume(consumer, count: 3, timeout: .seconds(20))
        XCTAssertEqual(messages.count, 3)
        guard messages.count == 3 else { return }
        XCTAssertEqual(messages[0].keyString, "a")
        XCTAssertNil(messages[0].value, "tombstone")
        XCTAssertNil(messages[1].key, "null key")
        XCTAssertEqual(messages[1].valueString, "no key")
        XCTAssertEqual(messages[2].key, [])
        XCTAssertEqual(messages[2].value, [])
        XCTAssertEqual(messages[2].header("dl-event-id")?.stringValue, "e-1")
        XCTAssertEqual(messages[2].headers.count, 2)
        XCTAssertNil(messages[2].header("null")?.value)
        XCTAssertNotNil(messages[2].timestamp)
    }

    func testBrokerDownMidProduceCompletesAfterItComesBack() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let cluster = try XCTUnwrap(broker.mockCluster)
        let topic = try await broker.createTopic("outage", partitions: 3)
        let producer = try KafkaProducer(
            config: broker.config(["message.timeout.ms": "30000"]), logger: KafkaTestSupport.logger)
        let first = try await broker.produce(topic: topic, count: 500, producer: producer)
        XCTAssertEqual(first.count, 500)

        try cluster.setBrokerDown(1)
        let pending = Task {
            try await broker.produce(
                topic: topic, count: 1_000, key: { "key-\($0 % 7)" }, value: { "late-\($0)" }, producer: producer)
        }
        let waiting = await waitUntil { producer.pendingDeliveries > 0 }
        XCTAssertTrue(waiting, "sends are waiting while the broker is down")
        try cluster.setBrokerUp(1)
        let late = try await pending.value
        XCTAssertEqual(late.count, 1_000, "every send completed once the broker was back")
        await producer.close()

        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("outage"), topics: [topic],
            logger: KafkaTestSupport.logger)
        let messages = try await broker.consume(consumer, count: 1_500, timeout: .seconds(30))
        XCTAssertEqual(Set(messages.compactMap(\.valueString)).count, 1_500, "none lost, none duplicated")
    }

    func testFlushWaitsForDeliveriesAndTimesOutWhileTheBrokerIsDown() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let cluster = try XCTUnwrap(broker.mockCluster)
        let topic = try await broker.createTopic("flush", partitions: 2)
        let producer = try KafkaProducer(config: broker.config(), logger: KafkaTestSupport.logger)
        _ = try await producer.send(ProducerRecord(topic: topic, key: "warm", value: "up"))
        let records = (0..<200).map { ProducerRecord(topic: topic, key: "k\($0 % 5)", value: "v\($0)") }

        try cluster.setBrokerDown(1)
        let pending = Task { try await producer.send(records) }
        try await ConsumerGroupScenarios.waitUntil("records enqueued", timeout: .seconds(5)) {
            producer.pendingDeliveries == 200
        }
        do {
            try await producer.flush(timeout: .milliseconds(500))
            XCTFail("flush succeeded while the broker was down")
        } catch let error as KafkaError {
            guard case .timedOut(let operation, _) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(operation, "flush")
        }
        try cluster.setBrokerUp(1)
        try await producer.flush(timeout: .seconds(20))
        XCTAssertEqual(producer.pendingDeliveries, 0, "flush returned after every delivery report")
        let reports = try await pending.value
        XCTAssertEqual(reports.count, 200)
        await producer.close()
    }

    func testInjectedRetriableProduceErrorsAreRetried() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let cluster = try XCTUnwrap(broker.mockCluster)
        let topic = try await broker.createTopic("flaky", partitions: 1)
        let producer = try KafkaProducer(config: broker.config(), logger: KafkaTestSupport.logger)
        _ = try await producer.send(ProducerRecord(topic: topic, key: "warm", value: "up"))
        // NOT_LEADER_OR_FOLLOWER (6) and REQUEST_TIMED_OUT (7) are retriable Produce errors.
        cluster.pushRequestErrors(apiKey: .produce, errors: [6, 7, 6])
        let reports = try await broker.produce(topic: topic, count: 100, producer: producer)
        XCTAssertEqual(reports.count, 100)
        XCTAssertEqual(reports.map(\.offset), Array(1...100), "in order, exactly once (idempotent producer)")
        await producer.close()
    }

    func testLagComparesCommittedOffsetsWithHighWatermarks() async throws {
        let broker = try TestBroker.mock()
        let topic = try await broker.createTopic("lag", partitions: 2)
        let producer = try KafkaProducer(config: broker.config(), logger: KafkaTestSupport.logger)
        let records = (0..<30).map {
            ProducerRecord(topic: topic, key: nil, value: "v\($0)", partition: Int32($0 % 3 == 0 ? 1 : 0))
        }
        _ = try await producer.send(records)
        await producer.close()
        let group = broker.uniqueName("lag")
        let admin = try KafkaAdmin(config: broker.config())
        let before = try await admin.lag(group: group, topics: [topic])
        XCTAssertEqual(before.map(\.highWatermark), [20, 10])
        XCTAssertEqual(before.map(\.committed), [nil, nil])
        XCTAssertEqual(before.map(\.lag), [20, 10])

        // Acknowledge only the first 5 messages of partition 0.
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: group, topics: [topic], logger: KafkaTestSupport.logger)
        let messages = try await broker.consume(consumer, count: 30, acknowledge: false, close: false)
        XCTAssertEqual(messages.count, 30)
        consumer.acknowledge(messages.filter { $0.partition == 0 && $0.offset < 5 })
        try await consumer.commit()
        await consumer.close()
        let after = try await admin.lag(group: group, topics: [topic])
        XCTAssertEqual(after.map(\.committed), [5, nil])
        XCTAssertEqual(after.map(\.lag), [15, 10])
        let listed = try await admin.listTopics()
        XCTAssertEqual(listed.first { $0.name == topic }?.partitions, [0, 1])
    }

    /// librdkafka's mock cluster answers no ListGroups: the member count is an error (the lag verdict
    /// then treats membership as unknown, never STOP); TansuTests counts members on a real broker.
    func testMemberCountIsAnErrorWhereTheBrokerCannotListGroups() async throws {
        let broker = try TestBroker.mock()
        let admin = try KafkaAdmin(config: broker.config())
        do {
            let count = try await admin.memberCount(group: broker.uniqueName("members"))
            XCTFail("the mock cluster answered ListGroups: \(count.map(String.init) ?? "nil")")
        } catch let error as KafkaError {
            XCTAssertTrue("\(error)".contains("members of group"), "\(error)")
        }
    }
}
