import DriftlessTesting
import Kafka
import XCTest

/// Per-partition back-pressure reads each partition's own fetch queue only while the partition
/// has room in the buffer (holding it back from its share down to half of it) instead of pausing
/// it in librdkafka. These tests check what that must preserve.
final class BackPressureResumeTests: XCTestCase {
    /// A reader that stalls and then reads slowly makes partitions go from held back to read
    /// again many times: every offset of every partition still arrives exactly once, in order.
    func testHeldBackPartitionsResumeWithoutLossOrDuplicates() async throws {
        let count = 30_000
        let broker = try TestBroker.mock()
        let topic = try await broker.createTopic("held-back", partitions: 6)
        let reports = try await broker.produce(topic: topic, count: count, chunk: 5_000, key: { "order-\($0 % 97)" })
        var produced: [Int32: [Int64]] = [:]
        for report in reports { produced[report.partition, default: []].append(report.offset) }

        let options = KafkaConsumerOptions(bufferCapacity: 600, maxBatchSize: 100)
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("held-back"), topics: [topic],
            options: options, logger: KafkaTestSupport.logger)
        let received = try await withDeadline(.seconds(90)) { () -> [Int32: [Int64]] in
            var received: [Int32: [Int64]] = [:]
            var total = 0
            var batches = 0
            for await batch in consumer.messages {
                batches += 1
                // Stall once so every partition fills its share, then read slowly.
                if batches == 1 { try? await Task.sleep(for: .seconds(1)) }
                if batches % 20 == 0 { try? await Task.sleep(for: .milliseconds(5)) }
                for message in batch { received[message.partition, default: []].append(message.offset) }
                consumer.acknowledge(batch)
                total += batch.count
                if total >= count { break }
            }
            return received
        }
        let statistics = consumer.statistics
        await consumer.close()
        let delivered = try XCTUnwrap(received, "consumer did not finish within 90 s")

        XCTAssertEqual(delivered.keys.sorted(), produced.keys.sorted(), "every partition delivered")
        for (partition, offsets) in produced {
            XCTAssertEqual(delivered[partition], offsets.sorted(), "partition \(partition): each offset once, in order")
        }
        XCTAssertGreaterThan(statistics.backPressurePauses, 6, "partitions were held back repeatedly")
        XCTAssertLessThanOrEqual(statistics.bufferHighWaterMark, options.bufferCapacity, "buffer stayed bounded")
        XCTAssertEqual(statistics.revocations, 0)
    }

    /// With the reader stalled, the buffer fills to exactly its capacity — each of the 6 partitions
    /// up to its share (capacity / 6), none beyond — and stays there; the first `capacity`
    /// messages read are that share of each partition.
    func testStalledReaderBufferHoldsEachPartitionsShare() async throws {
        let broker = try TestBroker.mock()
        let topic = try await broker.createTopic("share", partitions: 6)
        try await broker.produce(topic: topic, count: 12_000, chunk: 4_000, key: { "order-\($0 % 97)" })

        let options = KafkaConsumerOptions(bufferCapacity: 600, maxBatchSize: 100)
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("share"), topics: [topic],
            options: options, logger: KafkaTestSupport.logger)
        let filled = try await withDeadline(.seconds(30)) { () -> Bool in
            while consumer.statistics.bufferedMessages < options.bufferCapacity {
                try await Task.sleep(for: .milliseconds(20))
            }
            return true
        }
        XCTAssertEqual(filled, true, "buffer filled within 30 s")
        // Once every partition is held back, the poll thread must not buffer more.
        let heldBack = await waitUntil { consumer.statistics.backPressurePauses >= 6 }
        XCTAssertTrue(heldBack, "all six partitions held back: \(consumer.statistics)")
        let stalled = consumer.statistics
        XCTAssertEqual(stalled.bufferedMessages, options.bufferCapacity)
        XCTAssertLessThanOrEqual(stalled.bufferHighWaterMark, options.bufferCapacity)
        XCTAssertGreaterThanOrEqual(stalled.backPressurePauses, 6, "all six partitions held back")

        let first = try await withDeadline(.seconds(30)) { () -> [Int32: Int] in
            var perPartition: [Int32: Int] = [:]
            var total = 0
            for await batch in consumer.messages {
                XCTAssertLessThanOrEqual(batch.count, options.maxBatchSize)
                for message in batch.prefix(options.bufferCapacity - total) {
                    perPartition[message.partition, default: 0] += 1
                }
                total += batch.count
                consumer.acknowledge(batch)
                if total >= options.bufferCapacity { break }
            }
            return perPartition
        }
        await consumer.close()
        let share = options.bufferCapacity / 6
        XCTAssertEqual(try XCTUnwrap(first), Dictionary(uniqueKeysWithValues: (0..<6).map { (Int32($0), share) }))
    }
}
