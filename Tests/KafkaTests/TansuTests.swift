import DriftlessTesting
import Kafka
import XCTest

/// The same scenarios against an independent broker: Tansu behind the compatibility proxy
/// (`scripts/dev-broker start`, then `export $(scripts/dev-broker env)`). Fails with instructions
/// when `DRIFTLESS_TEST_BOOTSTRAP` is unset, skips when `DRIFTLESS_ALLOW_MISSING_SERVICES=1`.
final class TansuTests: XCTestCase {
    private func tansu() throws -> TestBroker {
        guard let broker = try TestBroker.tansu() else {
            throw XCTSkip("DRIFTLESS_TEST_BOOTSTRAP unset and DRIFTLESS_ALLOW_MISSING_SERVICES=1: Tansu tests skipped")
        }
        return broker
    }

    func testRoundTripOf10kKeyedMessagesPreservesPerKeyOrder() async throws {
        let elapsed = try await KafkaTestSupport.roundTrip(broker: tansu(), count: 10_000, keys: 50, partitions: 6)
        print("tansu round trip 10k: \(elapsed)")
    }

    func testTwoConsumersSplitLoadAndHandOverWithoutLoss() async throws {
        try await ConsumerGroupScenarios.twoConsumersSplitAndHandOver(broker: tansu())
    }

    /// Tansu 0.6.0's lost group leader (the chaos run's stalled dispatch group), worked around by the
    /// compatibility proxy answering LeaveGroup itself.
    func testTheSurvivorTakesOverWhenTheLeaderLeavesDuringARebalance() async throws {
        try await ConsumerGroupScenarios.survivorTakesOverWhenTheLeaderLeavesDuringARebalance(broker: tansu())
    }

    func testUnacknowledgedMessagesAreRedeliveredAfterRestart() async throws {
        try await ConsumerGroupScenarios.unacknowledgedAreRedelivered(broker: tansu())
    }

    func testEagerProtocolCommitsAcknowledgedOffsetsOnRevoke() async throws {
        try await ConsumerGroupScenarios.revokeCommits(broker: tansu(), strategy: "range")
    }

    func testCreateAndDeleteTopicsAreIdempotentAndListPartitions() async throws {
        let broker = try tansu()
        let admin = try KafkaAdmin(config: broker.config())
        let name = broker.uniqueName("admin")
        let spec = TopicSpec(name: name, partitions: 3, config: ["cleanup.policy": "compact"])
        try await admin.createTopics([spec])
        try await admin.createTopics([spec])  // TOPIC_ALREADY_EXISTS counts as success
        let topics = try await admin.listTopics()
        XCTAssertEqual(topics.first { $0.name == name }?.partitions, [0, 1, 2])
        try await admin.deleteTopics([name])
        try await admin.deleteTopics([name])  // UNKNOWN_TOPIC counts as deleted
        let after = try await admin.listTopics()
        XCTAssertNil(after.first { $0.name == name }, "the topic is gone")
    }

    func testCommittedOffsetsAreReportedForLag() async throws {
        // Tansu's ListOffsets(latest) is wrong in this build (see kafka-here.md), so only the
        // committed side of the lag is compared here; the mock-cluster test covers watermarks.
        let broker = try tansu()
        let topic = try await broker.createTopic("lag", partitions: 1)
        try await broker.produce(topic: topic, count: 20)
        let group = broker.uniqueName("lag")
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: group, topics: [topic], logger: KafkaTestSupport.logger)
        let messages = try await broker.consume(consumer, count: 20, acknowledge: false, close: false)
        XCTAssertEqual(messages.count, 20)
        consumer.acknowledge(messages.prefix(12))
        try await consumer.commit()
        await consumer.close()
        let lag = try await KafkaAdmin(config: broker.config()).lag(group: group, topics: [topic])
        XCTAssertEqual(lag.map(\.committed), [12])
    }

    func testMemberCountOfAGroupWhileAConsumerIsInItAndAfterItWasReplaced() async throws {
        let broker = try tansu()
        let admin = try KafkaAdmin(config: broker.config())
        let topic = try await broker.createTopic("members", partitions: 1)
        let producer = try KafkaProducer(config: broker.config(), logger: KafkaTestSupport.logger)
        _ = try await producer.send([ProducerRecord(topic: topic, key: nil, value: "v")])
        await producer.close()
        let group = broker.uniqueName("members")
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: group, topics: [topic], logger: KafkaTestSupport.logger)
        let messages = try await broker.consume(consumer, count: 1, acknowledge: true, close: false)
        XCTAssertEqual(messages.count, 1, "the consumer joined and was assigned the partition")
        // Tansu does not describe a group that has members (nil: unknown); never "no member" while one is in it.
        let joined = try await admin.memberCount(group: group)
        XCTAssertNotEqual(joined, 0)
        await consumer.close()
        // The dev broker's proxy answers LeaveGroup itself (Tansu 0.6.0 loses a group's leader on a
        // LeaveGroup during a rebalance), so Tansu keeps the closed member until a group request makes
        // it check sessions: a new member's join drops it (session timeout, 6 s here) and gets the
        // partition — then the group has exactly that one member.
        let next = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: group, topics: [topic], logger: KafkaTestSupport.logger)
        try await ConsumerGroupScenarios.waitUntil("the next member gets the partition", timeout: .seconds(60)) {
            next.statistics.assignedPartitions == 1
        }
        let afterwards = try await admin.memberCount(group: group)
        XCTAssertNotEqual(afterwards, 0, "the new member is in the group")
        XCTAssertTrue(
            afterwards == nil || afterwards == 1, "the closed member is gone: \(String(describing: afterwards))")
        await next.close()
        try await admin.deleteTopics([topic])
    }
}
