import DriftlessTesting
import Kafka
import Synchronization
import XCTest

/// `KafkaProducer.enqueue(_:)` + `KafkaPendingDeliveries.reports()`: batches overlap in flight,
/// order is fixed at enqueue, and reports come back only once the broker acknowledged.
final class EnqueueTests: XCTestCase {
    func testOverlappingEnqueuedBatchesKeepPerKeyOrder() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let cluster = try XCTUnwrap(broker.mockCluster)
        let topic = try await broker.createTopic("overlap", partitions: 3)
        let producer = try KafkaProducer(config: broker.config(), logger: KafkaTestSupport.logger)
        _ = try await producer.send(ProducerRecord(topic: topic, key: "warm", value: "up#0"))
        try cluster.setRTT(milliseconds: 100)
        let keys = 20
        let batchSize = 300
        let batches = 10
        var pending: [KafkaPendingDeliveries] = []
        for batch in 0..<batches {
            let records = (batch * batchSize..<(batch + 1) * batchSize).map { index in
                let (key, value) = KafkaTestSupport.keyedValue(index, keys: keys)
                return ProducerRecord(topic: topic, key: key, value: value)
            }
            pending.append(try await producer.enqueue(records))
        }
        XCTAssertEqual(pending.map(\.count), Array(repeating: batchSize, count: batches))
        XCTAssertGreaterThan(producer.pendingDeliveries, batchSize, "several batches are in flight at once")

        var reports: [DeliveryReport] = []
        for batch in pending { reports += try await batch.reports() }
        XCTAssertEqual(reports.count, batchSize * batches)
        var lastOffset: [Int32: Int64] = [:]
        for report in reports {
            if let previous = lastOffset[report.partition] {
                XCTAssertGreaterThan(report.offset, previous, "partition \(report.partition) keeps enqueue order")
            }
            lastOffset[report.partition] = report.offset
        }
        do {
            _ = try await pending[0].reports()
            XCTFail("a second reports() call must throw")
        } catch KafkaError.closed {}

        // Dropped without awaiting: still delivered, nothing left pending.
        _ = try await producer.enqueue([ProducerRecord(topic: topic, key: "warm", value: "up#1")])
        try await producer.flush()
        XCTAssertEqual(producer.pendingDeliveries, 0)
        await producer.close()
        try cluster.setRTT(milliseconds: 0)

        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("overlap"), topics: [topic],
            logger: KafkaTestSupport.logger)
        let messages = try await broker.consume(consumer, count: batchSize * batches + 2, timeout: .seconds(30))
        KafkaTestSupport.assertPerKeyOrder(
            messages.filter { $0.keyString != "warm" }, count: batchSize * batches, keys: keys)
    }

    func testReportsReturnOnlyAfterTheBrokerAcknowledges() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let cluster = try XCTUnwrap(broker.mockCluster)
        let topic = try await broker.createTopic("acks", partitions: 2)
        let producer = try KafkaProducer(
            config: broker.config(["message.timeout.ms": "30000"]), logger: KafkaTestSupport.logger)
        _ = try await producer.send(ProducerRecord(topic: topic, key: "warm", value: "up"))

        try cluster.setBrokerDown(1)
        let records: @Sendable (Int) -> [ProducerRecord] = { batch in
            (0..<100).map { ProducerRecord(topic: topic, key: "k\($0 % 4)", value: "b\(batch)-\($0)") }
        }
        // Enqueueing does not wait for the broker.
        let enqueued = try await withDeadline(.seconds(5)) {
            [try await producer.enqueue(records(0)), try await producer.enqueue(records(1))]
        }
        let batches = try XCTUnwrap(enqueued, "enqueue returned while the broker is down")
        let acknowledged = Atomic<Int>(0)
        let waiter = Task {
            var all: [[DeliveryReport]] = []
            for batch in batches {
                all.append(try await batch.reports())
                acknowledged.add(1, ordering: .relaxed)
            }
            return all
        }
        // Every record is with the producer, waiting for the broker.
        let allPending = await waitUntil { producer.pendingDeliveries == 200 }
        XCTAssertTrue(allPending, "pending \(producer.pendingDeliveries) of 200")
        XCTAssertEqual(acknowledged.load(ordering: .relaxed), 0, "no batch reported before the broker acknowledged it")

        try cluster.setBrokerUp(1)
        let reports = try await waiter.value
        XCTAssertEqual(acknowledged.load(ordering: .relaxed), 2)
        XCTAssertEqual(reports.map(\.count), [100, 100])
        for partition in Int32(0)...1 {
            let first = reports[0].filter { $0.partition == partition }.map(\.offset)
            let second = reports[1].filter { $0.partition == partition }.map(\.offset)
            if let last = first.max(), let next = second.min() {
                XCTAssertLessThan(last, next, "partition \(partition): batch 0 written before batch 1")
            }
        }
        XCTAssertEqual(producer.pendingDeliveries, 0)
        await producer.close()
    }
}
