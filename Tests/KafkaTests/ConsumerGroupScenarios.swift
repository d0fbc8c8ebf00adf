import DriftlessTesting
import Kafka
import Synchronization
import XCTest

/// Consumer-group scenarios shared by the mock-cluster and Tansu test classes.
enum ConsumerGroupScenarios {
    /// Everything the consumers of a scenario saw.
    final class Collector: Sendable {
        private let state = Mutex<
            (received: [String: [String]], byConsumer: [String: Set<Int32>], highest: [String: [Int32: Int64]])
        >(
            ([:], [:], [:]))

        func record(_ consumer: String, _ batch: [KafkaMessage]) {
            state.withLock { state in
                for message in batch {
                    state.received[message.valueString ?? "", default: []].append(consumer)
                    state.byConsumer[consumer, default: []].insert(message.partition)
                    state.highest[consumer, default: [:]][message.partition] = max(
                        state.highest[consumer]?[message.partition] ?? -1, message.offset)
                }
            }
        }

        /// Highest offset `consumer` read per partition.
        func highestOffsets(of consumer: String) -> [Int32: Int64] { state.withLock { $0.highest[consumer] ?? [:] } }

        var distinctValues: Int { state.withLock { $0.received.count } }
        var duplicates: Int { state.withLock { $0.received.values.reduce(0) { $0 + $1.count - 1 } } }
        func partitions(of consumer: String) -> Set<Int32> { state.withLock { $0.byConsumer[consumer] ?? [] } }
        func count(of consumer: String) -> Int {
            state.withLock { state in state.received.values.reduce(0) { $0 + $1.filter { $0 == consumer }.count } }
        }
    }

    /// Runs a consumer that acknowledges every batch after `delay`, until cancelled or closed.
    static func startConsuming(
        _ name: String, _ consumer: KafkaConsumer, into collector: Collector, delay: @escaping @Sendable () -> Duration
    ) -> Task<Void, Never> {
        Task {
            for await batch in consumer.messages {
                collector.record(name, batch)
                try? await Task.sleep(for: delay())
                consumer.acknowledge(batch)
            }
        }
    }

    /// Two members on a 6-partition topic, started staggered; the first stops mid-stream.
    /// Asserts the load was split, nothing was lost, and duplicates stay within the at-least-once
    /// window (batches in flight at the moment partitions moved).
    static func twoConsumersSplitAndHandOver(broker: TestBroker) async throws {
        let count = 12_000
        let topic = try await broker.createTopic("group", partitions: 6)
        let reports = try await broker.produce(
            topic: topic, count: count, key: { "order-\($0 % 60)" }, value: { "v-\($0)" })
        let lastOffsets = Dictionary(grouping: reports, by: \.partition).mapValues { $0.map(\.offset).max() ?? -1 }
        let group = broker.uniqueName("group")
        let options = KafkaConsumerOptions(bufferCapacity: 200, maxBatchSize: 10)
        let collector = Collector()
        // Slow (≈200 msg/s per member) until A stops, so every partition still has unread messages
        // when it changes hands (a cooperative rebalance takes 6-12 s on the mock cluster and Tansu).
        let slow = Atomic<Bool>(true)
        let delay: @Sendable () -> Duration = { slow.load(ordering: .relaxed) ? .milliseconds(50) : .milliseconds(2) }

        let clock = ContinuousClock()
        let started = clock.now
        let first = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: group, topics: [topic], options: options,
            logger: KafkaTestSupport.logger)
        let firstTask = startConsuming("A", first, into: collector, delay: delay)
        try await waitUntil("A receives messages", timeout: .seconds(30)) { collector.count(of: "A") > 500 }

        let firstReadAt = clock.now - started
        let second = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: group, topics: [topic], options: options,
            logger: KafkaTestSupport.logger)
        let secondTask = startConsuming("B", second, into: collector, delay: delay)
        try await waitUntil("both members own partitions", timeout: .seconds(30)) {
            first.statistics.assignedPartitions > 0 && second.statistics.assignedPartitions > 0
                && first.statistics.assignedPartitions + second.statistics.assignedPartitions == 6
                && collector.count(of: "B") > 300
        }
        let splitAt = clock.now - started
        let split = (first.statistics.assignedPartitions, second.statistics.assignedPartitions)
        XCTAssertGreaterThan(collector.distinctValues, 0)
        XCTAssertLessThan(collector.distinctValues, count, "A was stopped mid-stream")

        await first.close()
        await firstTask.value
        slow.store(false, ordering: .relaxed)
        let firstClosedAt = clock.now - started
        do {
            try await waitUntil("B finishes the topic", timeout: .seconds(60)) { collector.distinctValues >= count }
        } catch {
            XCTFail(
                "B stalled after A left: read \(collector.distinctValues)/\(count), B statistics \(second.statistics)")
            await second.close()
            throw error
        }
        let doneAt = clock.now - started
        await second.close()
        await secondTask.value
        print(
            "group timings: A reading \(firstReadAt), split \(splitAt), A closed \(firstClosedAt), all read \(doneAt), closed \(clock.now - started)"
        )

        XCTAssertEqual(collector.distinctValues, count, "nothing lost")
        XCTAssertFalse(collector.partitions(of: "A").isEmpty)
        XCTAssertFalse(collector.partitions(of: "B").isEmpty)
        // Every partition A left with unread messages was continued by B.
        let unfinishedByA = Set(
            collector.highestOffsets(of: "A").filter { $0.value < (lastOffsets[$0.key] ?? -1) }.keys)
        XCTAssertFalse(unfinishedByA.isEmpty, "A left partitions with unread messages (a real hand-over)")
        XCTAssertTrue(
            unfinishedByA.isSubset(of: collector.partitions(of: "B")), "B took over A's unfinished partitions")
        XCTAssertEqual(collector.partitions(of: "A").union(collector.partitions(of: "B")).count, 6)
        // At-least-once window: what a member had read but not yet committed when its partitions
        // moved is read again by the new owner — batches in flight, plus, if the commit on revoke
        // fails (the mock coordinator sometimes answers ILLEGAL_GENERATION mid-rebalance), what
        // was acknowledged since the last auto-commit (1 s at ~200 msg/s). Far below a full replay.
        XCTAssertLessThanOrEqual(collector.duplicates, count / 10, "duplicates only from the at-least-once window")
        print(
            "group split \(split.0)+\(split.1) partitions; A read \(collector.count(of: "A")), B read \(collector.count(of: "B")), duplicates \(collector.duplicates)"
        )
    }

    /// A consumer acknowledges a prefix of each partition plus some later offsets beyond a gap,
    /// then stops. Its replacement gets exactly what lies at or after the first unacknowledged
    /// offset of each partition — acknowledged messages below it are not redelivered.
    static func unacknowledgedAreRedelivered(broker: TestBroker) async throws {
        let count = 600
        let topic = try await broker.createTopic("redeliver", partitions: 6)
        try await broker.produce(topic: topic, count: count, key: { "order-\($0 % 30)" }, value: { "v-\($0)" })
        let group = broker.uniqueName("redeliver")

        let first = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: group, topics: [topic], logger: KafkaTestSupport.logger)
        let all = try await broker.consume(first, count: count, timeout: .seconds(30), acknowledge: false, close: false)
        XCTAssertEqual(all.count, count)
        var firstUnacked: [Int32: Int64] = [:]
        for (partition, messages) in Dictionary(grouping: all, by: \.partition) {
            let sorted = messages.sorted { $0.offset < $1.offset }
            let prefix = sorted.count / 2
            // Acknowledge the first half in reverse order, skip one, acknowledge two after the gap.
            first.acknowledge(sorted[..<prefix].reversed())
            first.acknowledge(sorted.dropFirst(prefix + 1).prefix(2))
            firstUnacked[partition] = sorted.count > prefix ? sorted[prefix].offset : nil
        }
        await first.close()

        let expected = Set(
            all.filter { message in
                firstUnacked[message.partition].map { message.offset >= $0 } ?? false
            }.compactMap(\.valueString))
        let second = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: group, topics: [topic], logger: KafkaTestSupport.logger)
        let redelivered = try await broker.consume(second, count: expected.count, timeout: .seconds(30))
        // Give a stray extra message the chance to show up before judging.
        XCTAssertEqual(
            Set(redelivered.compactMap(\.valueString)), expected, "exactly the unacknowledged suffix is redelivered")
        XCTAssertEqual(redelivered.count, expected.count)
        XCTAssertLessThan(expected.count, count)
    }

    /// A second member joins; the partitions taken from the first one must have their
    /// acknowledged offsets committed by the rebalance callback before they are given up.
    /// `range` is eager (all partitions revoked), `cooperative-sticky` incremental (only the moved
    /// ones). Auto-commit is off, so only the revoke commit can have stored the offsets.
    static func revokeCommits(broker: TestBroker, strategy: String) async throws {
        let topic = try await broker.createTopic("eager", partitions: 3)
        try await broker.produce(topic: topic, count: 90, key: { "k\($0)" })
        let group = broker.uniqueName("eager")
        // A session long enough that CPU load (the other shard, other builds) cannot cost the first
        // member its assignment: a lost assignment commits nothing, and this test is about the revoke.
        let config = broker.consumerConfig([
            "partition.assignment.strategy": strategy, "enable.auto.commit": "false", "session.timeout.ms": "10000",
        ])
        let first = try KafkaConsumer(config: config, groupID: group, topics: [topic], logger: KafkaTestSupport.logger)
        let messages = try await broker.consume(first, count: 90, timeout: .seconds(20), close: false)
        XCTAssertEqual(messages.count, 90)
        XCTAssertEqual(first.statistics.revocations, 0)

        let second = try KafkaConsumer(config: config, groupID: group, topics: [topic], logger: KafkaTestSupport.logger)
        try await ConsumerGroupScenarios.waitUntil("the first member's partitions are revoked", timeout: .seconds(60)) {
            first.statistics.revocations >= 1 && second.statistics.assignedPartitions > 0
        }
        let firstStatistics = first.statistics
        XCTAssertEqual(firstStatistics.lostAssignments, 0, "the assignment was revoked, not lost: \(firstStatistics)")
        let lag = try await KafkaAdmin(config: broker.config()).lag(group: group, topics: [topic])
        let perPartition = Dictionary(grouping: messages, by: \.partition).mapValues(\.count)
        let moved = second.statistics.assignedPartitions
        let committed = lag.filter { ($0.committed ?? 0) > 0 }
        // Every commit is exactly the last acknowledged message, never short of it nor past it.
        for entry in committed {
            XCTAssertEqual(
                entry.committed, Int64(perPartition[entry.partition] ?? -1),
                "committed up to the last acknowledged message")
        }
        // librdkafka's mock coordinator may refuse a commit made mid-rebalance (Tansu does not): the
        // consumer then counts and logs it, and those partitions stay uncommitted (the new owner
        // re-reads them: at least once). Every revoked partition is committed or its failure counted.
        let expectedCommits = strategy == "range" ? 3 : moved
        XCTAssertGreaterThanOrEqual(
            committed.count + (broker.kind == .mock ? firstStatistics.commitFailures : 0), expectedCommits,
            "revoked partitions were committed (first member: \(firstStatistics))")
        if broker.kind != .mock {
            XCTAssertEqual(firstStatistics.commitFailures, 0, "\(firstStatistics)")
        }
        await first.close()
        await second.close()
    }

    static func waitUntil(_ what: String, timeout: Duration, _ condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { throw TestBrokerError.timedOut("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
