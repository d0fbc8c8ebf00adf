import DriftlessTesting
import Kafka
import XCTest

final class BackPressureTests: XCTestCase {
    /// A consumer far slower than the broker reads a 50k backlog for longer than
    /// `max.poll.interval.ms`: its buffer stays bounded (partitions at their share are held back in
    /// librdkafka's per-partition queues, not buffered) and it never leaves the group, because the
    /// poll thread keeps polling meanwhile.
    func testSlowConsumerKeepsBufferBoundedAndStaysInGroup() async throws {
        let count = 50_000
        let broker = try TestBroker.mock()
        let topic = try await broker.createTopic("backlog", partitions: 6)
        try await broker.produce(
            topic: topic, count: count, chunk: 5_000, key: { "order-\($0 % 100)" }, value: { "payload-\($0)" })

        let options = KafkaConsumerOptions(bufferCapacity: 1_000, maxBatchSize: 100)
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(["max.poll.interval.ms": "10000"]),
            groupID: broker.uniqueName("backlog"), topics: [topic], options: options, logger: KafkaTestSupport.logger)
        let clock = ContinuousClock()
        var started: ContinuousClock.Instant?
        var seen = Set<String>()
        var received = 0
        var early = Set<Int32>()
        let finished = try await withDeadline(.seconds(60)) {
            () -> (Int, Set<String>, ContinuousClock.Instant?, Set<Int32>) in
            var received = 0
            var seen = Set<String>()
            var started: ContinuousClock.Instant?
            var early = Set<Int32>()
            for await batch in consumer.messages {
                if started == nil { started = clock.now }
                if received < 3_000 { early.formUnion(batch.map(\.partition)) }
                received += batch.count
                seen.formUnion(batch.compactMap(\.valueString))
                try? await Task.sleep(for: .milliseconds(25))  // the slow part: ~4k msg/s at most
                consumer.acknowledge(batch)
                if seen.count >= count { break }
            }
            return (received, seen, started, early)
        }
        (received, seen, started, early) = try XCTUnwrap(finished, "consumer did not finish within 60 s")
        let elapsed = clock.now - (started ?? clock.now)
        let statistics = consumer.statistics
        await consumer.close()

        XCTAssertEqual(seen.count, count, "every message arrived")
        XCTAssertEqual(received, count, "no redelivery: the consumer never lost its partitions")
        XCTAssertGreaterThan(elapsed, .seconds(10), "consumption took longer than max.poll.interval.ms")
        XCTAssertLessThanOrEqual(statistics.bufferHighWaterMark, options.bufferCapacity, "buffer stayed bounded")
        XCTAssertGreaterThan(statistics.backPressurePauses, 0, "the poll thread held partitions back")
        XCTAssertEqual(
            early.count, 6, "every partition progresses while back-pressured (per-partition share, no starvation)")
        XCTAssertEqual(statistics.assignments, 1, "one assignment, no rebalance")
        XCTAssertEqual(statistics.revocations, 0, "never revoked or evicted while slow")
        XCTAssertEqual(statistics.lostAssignments, 0)
        print(
            "back-pressure: \(count) messages in \(elapsed), buffer high-water \(statistics.bufferHighWaterMark)/\(options.bufferCapacity), pauses \(statistics.backPressurePauses)"
        )
    }
}
