import Foundation
import Kafka

/// The same two phases as the C baseline, written with Driftless's Kafka layer the way a pipeline
/// stage uses it: batches from `KafkaConsumer.messages`, `KafkaProducer.send(_:)` per batch,
/// acknowledge after the broker acknowledged the batch.
///
/// With `batchesInFlight` 1 a batch is sent only after the previous one is acknowledged, which
/// keeps per-key order across batches (what a stage needs). With more, several batches are sent
/// concurrently: faster, but records of one key in two batches may be reordered — fine for this
/// benchmark's unique keys, not for a stage.
enum SwiftPassthrough {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func produce(config: KafkaConfig, topic: String, count: Int, valueBytes: Int) async throws -> PhaseTiming {
        let producer = try KafkaProducer(config: config)
        let value = [UInt8](repeating: UInt8(ascii: "v"), count: valueBytes)
        let chunk = 10_000
        let start = ContinuousClock.now
        var sent = 0
        while sent < count {
            let end = min(count, sent + chunk)
            let records = (sent..<end).map { ProducerRecord(topic: topic, key: Array("order-\($0)".utf8), value: value) }
            _ = try await producer.send(records)
            sent = end
        }
        let elapsed = ContinuousClock.now - start
        await producer.close()
        return PhaseTiming(messages: sent, seconds: elapsed.seconds)
    }

    static func passthrough(
        config: KafkaConfig, consumerConfig: KafkaConfig, source: String, destination: String,
        group: String, count: Int, batchSize: Int, batchesInFlight: Int, bufferCapacity: Int, timeout: Duration
    ) async throws -> PhaseTiming {
        let consumer = try KafkaConsumer(
            config: consumerConfig,
            groupID: group,
            topics: [source],
            options: KafkaConsumerOptions(bufferCapacity: bufferCapacity, maxBatchSize: batchSize)
        )
        let producer = try KafkaProducer(config: config)
        // Ends `messages` (by closing the consumer) if the broker stalls.
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            await consumer.close()
        }
        var moved = 0
        var start: ContinuousClock.Instant?
        do {
            if batchesInFlight <= 1 {
                let trace = ProcessInfo.processInfo.environment["DRIFTLESS_BENCH_TRACE"] == "1"
                var waitStart = ContinuousClock.now
                for await batch in consumer.messages {
                    if start == nil { start = .now }
                    let received = ContinuousClock.now
                    let records = batch.map { ProducerRecord(topic: destination, key: $0.key, value: $0.value) }
                    _ = try await producer.send(records)
                    consumer.acknowledge(batch)
                    moved += batch.count
                    if trace {
                        let line = "batch \(batch.count): waited \(received - waitStart), sent in \(ContinuousClock.now - received)\n"
                        FileHandle.standardError.write(Data(line.utf8))
                    }
                    waitStart = .now
                    if moved >= count { break }
                }
            } else {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    var inFlight = 0
                    var dispatched = 0
                    for await batch in consumer.messages {
                        if start == nil { start = .now }
                        if inFlight >= batchesInFlight, let done = try await group.next() {
                            moved += done
                            inFlight -= 1
                        }
                        group.addTask {
                            let records = batch.map { ProducerRecord(topic: destination, key: $0.key, value: $0.value) }
                            _ = try await producer.send(records)
                            consumer.acknowledge(batch)
                            return batch.count
                        }
                        inFlight += 1
                        dispatched += batch.count
                        if dispatched >= count { break }
                    }
                    while let done = try await group.next() { moved += done }
                }
            }
        } catch {
            watchdog.cancel()
            await consumer.close()
            await producer.close()
            throw error
        }
        let elapsed = start.map { ContinuousClock.now - $0 } ?? .zero
        watchdog.cancel()
        await consumer.close()
        await producer.close()
        guard moved >= count else {
            throw Failure(description: "swift passthrough timed out: \(moved) of \(count) moved")
        }
        return PhaseTiming(messages: moved, seconds: elapsed.seconds)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
