import Foundation
import Kafka
import Synchronization

extension TestBroker {
    /// Produces `count` records to `topic` in order; record `i` gets key `key(i)` and value
    /// `value(i)`. Sent in chunks of `chunk` so thousands of records take few round trips.
    @discardableResult
    public func produce(
        topic: String,
        count: Int,
        chunk: Int = 2_000,
        key: @Sendable (Int) -> String? = { "key-\($0 % 10)" },
        value: @Sendable (Int) -> String = { "value-\($0)" },
        producer: KafkaProducer? = nil
    ) async throws -> [DeliveryReport] {
        let producer = try producer ?? KafkaProducer(config: config())
        var reports: [DeliveryReport] = []
        reports.reserveCapacity(count)
        var start = 0
        while start < count {
            let end = min(count, start + chunk)
            let records = (start..<end).map { ProducerRecord(topic: topic, key: key($0), value: value($0)) }
            reports += try await producer.send(records)
            start = end
        }
        return reports
    }

    /// Reads until `count` messages arrived (acknowledging each) or `timeout` passed; returns what
    /// arrived (also on timeout). The consumer is closed afterwards when `close` is true.
    public func consume(
        _ consumer: KafkaConsumer,
        count: Int,
        timeout: Duration = .seconds(30),
        acknowledge: Bool = true,
        close: Bool = true
    ) async throws -> [KafkaMessage] {
        let collected = Mutex<[KafkaMessage]>([])
        _ = try await withDeadline(timeout) {
            for await batch in consumer.messages {
                if acknowledge { consumer.acknowledge(batch) }
                let total = collected.withLock { messages in
                    messages += batch
                    return messages.count
                }
                if total >= count { break }
            }
            return true
        }
        if close { await consumer.close() }
        return collected.withLock { $0 }
    }
}

/// Runs `body`, returning `nil` if it does not finish within `timeout` (the body is cancelled).
public func withDeadline<T: Sendable>(
    _ timeout: Duration,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
