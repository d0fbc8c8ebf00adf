import Foundation
import Kafka

/// The same two phases as the C baseline, written with Driftless's Kafka layer the way a pipeline
/// stage uses it: batches from `KafkaConsumer.messages`, `KafkaProducer.send(_:)` per batch,
/// acknowledge after the broker acknowledged the batch.
///
/// With `batchesInFlight` 1 a batch is sent (`send`) only after the previous one is acknowledged.
/// With more, batches are enqueued (`enqueue`) as they arrive — order fixed at enqueue, so per-key
/// order holds — and up to `batchesInFlight` batches await their acks, each batch's input being
/// acknowledged only after its output was acknowledged (at-least-once).
enum SwiftPassthrough {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Enqueues chunks of 10,000 records with `KafkaProducer.enqueue(_:)` and awaits each chunk's
    /// acknowledgements with up to `chunksInFlight` chunks outstanding (C enqueues everything and
    /// flushes at the end; this is the Swift equivalent with bounded memory).
    static func produce(
        config: KafkaConfig, topic: String, count: Int, valueBytes: Int, chunksInFlight: Int
    ) async throws -> PhaseTiming {
        let producer = try KafkaProducer(config: config)
        let value = [UInt8](repeating: UInt8(ascii: "v"), count: valueBytes)
        let chunk = 10_000
        let start = ContinuousClock.now
        var sent = 0
        var pending: [KafkaPendingDeliveries] = []
        while sent < count {
            let end = min(count, sent + chunk)
            let records = (sent..<end).map {
                ProducerRecord(topic: topic, key: Array("order-\($0)".utf8), value: value)
            }
            pending.append(try await producer.enqueue(records))
            sent = end
            if pending.count >= max(1, chunksInFlight) { _ = try await pending.removeFirst().reports() }
        }
        for chunk in pending { _ = try await chunk.reports() }
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
                        let line =
                            "batch \(batch.count): waited \(received - waitStart), sent in \(ContinuousClock.now - received)\n"
                        FileHandle.standardError.write(Data(line.utf8))
                    }
                    waitStart = .now
                    if moved >= count { break }
                }
            } else {
                // Order-preserving overlap: each batch is enqueued (its order fixed) as soon as it
                // arrives; its input is acknowledged only after its output's acks, oldest first,
                // with at most `batchesInFlight` batches awaiting acks.
                var inFlight: [(batch: [KafkaMessage], deliveries: KafkaPendingDeliveries)] = []
                var dispatched = 0
                let trace = ProcessInfo.processInfo.environment["DRIFTLESS_BENCH_TRACE"] == "1"
                var waiting = Duration.zero
                var enqueueing = Duration.zero
                var acking = Duration.zero
                var batches = 0
                var mark = ContinuousClock.now
                for await batch in consumer.messages {
                    if start == nil { start = .now } else { waiting += ContinuousClock.now - mark }
                    batches += 1
                    let enqueueStart = ContinuousClock.now
                    let records = batch.map { ProducerRecord(topic: destination, key: $0.key, value: $0.value) }
                    inFlight.append((batch, try await producer.enqueue(records)))
                    dispatched += batch.count
                    let ackStart = ContinuousClock.now
                    enqueueing += ackStart - enqueueStart
                    while inFlight.count >= batchesInFlight || (dispatched >= count && !inFlight.isEmpty) {
                        let oldest = inFlight.removeFirst()
                        _ = try await oldest.deliveries.reports()
                        consumer.acknowledge(oldest.batch)
                        moved += oldest.batch.count
                    }
                    acking += ContinuousClock.now - ackStart
                    mark = .now
                    if dispatched >= count { break }
                }
                if trace {
                    let line =
                        "overlapped: \(batches) batches; waited for batches \(waiting), enqueueing \(enqueueing), awaiting acks \(acking)\n"
                    FileHandle.standardError.write(Data(line.utf8))
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
