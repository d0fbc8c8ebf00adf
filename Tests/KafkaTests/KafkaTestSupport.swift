import DriftlessTesting
import Kafka
import Logging
import XCTest

/// Shared checks for the Kafka tests.
enum KafkaTestSupport {
    /// Values encode the key and the per-key sequence number: `"<key>#<n>"`.
    static func keyedValue(_ index: Int, keys: Int) -> (key: String, value: String) {
        let key = "order-\(index % keys)"
        return (key, "\(key)#\(index / keys)")
    }

    /// Asserts every key's sequence numbers arrive in increasing order and all `count` arrived.
    static func assertPerKeyOrder(
        _ messages: [KafkaMessage], count: Int, keys: Int, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(messages.count, count, "all messages arrive", file: file, line: line)
        var lastSequence: [String: Int] = [:]
        var partitionOfKey: [String: Int32] = [:]
        var seen = Set<String>()
        for message in messages {
            guard let key = message.keyString, let value = message.valueString,
                let sequence = value.split(separator: "#").last.flatMap({ Int($0) })
            else {
                XCTFail("malformed message \(message)", file: file, line: line)
                return
            }
            seen.insert(value)
            if let previous = lastSequence[key], sequence <= previous {
                XCTFail("key \(key): \(sequence) after \(previous)", file: file, line: line)
                return
            }
            lastSequence[key] = sequence
            if let partition = partitionOfKey[key], partition != message.partition {
                XCTFail("key \(key) in two partitions", file: file, line: line)
            }
            partitionOfKey[key] = message.partition
        }
        XCTAssertEqual(seen.count, count, "no duplicates, none missing", file: file, line: line)
        XCTAssertEqual(lastSequence.count, keys, file: file, line: line)
    }

    /// A quiet logger for clients in tests (warnings and errors only).
    static var logger: Logger {
        var logger = Logger(label: "kafka-tests")
        logger.logLevel = .warning
        return logger
    }

    /// Round trip of `count` keyed messages through `broker`, asserting per-key order.
    static func roundTrip(broker: TestBroker, count: Int, keys: Int, partitions: Int32) async throws -> Duration {
        let topic = try await broker.createTopic("roundtrip", partitions: partitions)
        let clock = ContinuousClock()
        let start = clock.now
        let reports = try await broker.produce(
            topic: topic, count: count,
            key: { keyedValue($0, keys: keys).key }, value: { keyedValue($0, keys: keys).value })
        XCTAssertEqual(reports.count, count)
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("roundtrip"), topics: [topic], logger: logger)
        let messages = try await broker.consume(consumer, count: count, timeout: .seconds(60))
        let elapsed = clock.now - start
        assertPerKeyOrder(messages, count: count, keys: keys)
        return elapsed
    }
}
