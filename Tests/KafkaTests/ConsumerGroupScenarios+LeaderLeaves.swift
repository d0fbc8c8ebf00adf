import DriftlessTesting
import Kafka
import XCTest

extension ConsumerGroupScenarios {
    /// The chaos run's stalled dispatch group, deterministically: three members, the group's leader
    /// (the first to join) stops cleanly 1.5 s after another member, so its LeaveGroup lands while
    /// the rebalance the first one started is in progress. Tansu 0.6.0 then keeps the departed
    /// member as leader and answers every SyncGroup `REBALANCE_IN_PROGRESS`: the survivor never gets
    /// a partition. The compatibility proxy answers LeaveGroup itself (``KafkaCompatProxy``), so the
    /// broker drops both by session timeout and the survivor takes all six partitions and reads on.
    static func survivorTakesOverWhenTheLeaderLeavesDuringARebalance(broker: TestBroker) async throws {
        let topic = try await broker.createTopic("leader-leaves", partitions: 6)
        try await broker.produce(topic: topic, count: 600, key: { "order-\($0 % 60)" }, value: { "a-\($0)" })
        let group = broker.uniqueName("leader-leaves")
        let options = KafkaConsumerOptions(bufferCapacity: 200, maxBatchSize: 20)
        let collector = Collector()
        func member(_ name: String) throws -> (KafkaConsumer, Task<Void, Never>) {
            let consumer = try KafkaConsumer(
                config: broker.consumerConfig(), groupID: group, topics: [topic], options: options,
                logger: KafkaTestSupport.logger)
            return (consumer, startConsuming(name, consumer, into: collector, delay: { .milliseconds(5) }))
        }
        let (leader, leaderTask) = try member("leader")
        try await waitUntil("the first member holds every partition", timeout: .seconds(60)) {
            leader.statistics.assignedPartitions == 6
        }
        let (other, otherTask) = try member("other")
        let (survivor, survivorTask) = try member("survivor")
        try await waitUntil("the three members share the partitions", timeout: .seconds(60)) {
            let counts = [leader, other, survivor].map(\.statistics.assignedPartitions)
            return counts.allSatisfy { $0 > 0 } && counts.reduce(0, +) == 6
        }
        await other.close()
        await otherTask.value
        // Part of the fault, not a wait for a condition: the leader's LeaveGroup must arrive while
        // the rebalance the other member's departure started is still in progress.
        try await Task.sleep(for: .milliseconds(1500))
        await leader.close()
        await leaderTask.value
        do {
            try await waitUntil("the survivor holds every partition", timeout: .seconds(90)) {
                survivor.statistics.assignedPartitions == 6
            }
            try await broker.produce(topic: topic, count: 600, key: { "order-\($0 % 60)" }, value: { "b-\($0)" })
            try await waitUntil("the survivor reads what was produced after the leader left", timeout: .seconds(60)) {
                collector.distinctValues == 1_200
            }
        } catch {
            XCTFail("the group never completed a rebalance after its leader left: \(survivor.statistics)")
            await survivor.close()
            throw error
        }
        XCTAssertEqual(collector.distinctValues, 1_200, "nothing lost")
        await survivor.close()
        await survivorTask.value
    }
}
