import Foundation
import Kafka
import Logging
import OrderModel
import Synchronization

/// The validate stage: consumer group `<p>.validate` on `<p>.ingest.raw`; forwards what decodes and
/// maps to `<p>.validated` and quarantines the rest. Input offsets are acknowledged only after the
/// output records are acknowledged by the broker.
///
/// Batches are pipelined: each batch is decoded (on all cores) and **enqueued** to the producer as
/// soon as it arrives — the producer fixes the order at enqueue, so per-key order holds across
/// batches — and up to `maxInFlight` batches await their acks at once; a batch's input is
/// acknowledged once its outputs' acks are in. A record the broker will never accept (e.g. too
/// large) is quarantined with the reason instead of being retried forever; transient failures
/// are retried until they succeed or the stage stops.
public final class ValidateStage: Sendable {
    private let processor: ValidateProcessor
    private let audit: any AuditSink
    private let input: StageConsumer
    private let delivery: BatchDelivery
    private let topics: PipelineTopics
    private let replica: String
    private let logger: Logger
    private let maxInFlight: Int
    /// Batches enqueued and not yet finished (acks → audit → acknowledge), oldest first.
    private let inFlight = Mutex<[Task<Void, Never>]>([])
    /// What the stage did so far.
    public let counters = StageCounters()

    /// Creates the stage and its consumer (joins the group in the background). `maxInFlight`:
    /// batches awaiting their acks at once.
    public init(
        kafka: KafkaConfig, topics: PipelineTopics, matrix: MappingMatrix, sink: any RecordSink,
        audit: any AuditSink, replica: String = "validate-0", options: KafkaConsumerOptions = .init(),
        maxInFlight: Int = 4, logger: Logger = Logger(label: "driftless.validate")
    ) throws {
        let input = try StageConsumer(
            stage: .validate, kafka: kafka, topics: topics, input: topics.ingestRaw, options: options, logger: logger)
        self.input = input
        processor = ValidateProcessor(decoder: ObservationDecoder(matrix: matrix), topics: topics, replica: replica)
        delivery = BatchDelivery(sink: sink, logger: logger, what: "validate produce", shouldStop: { input.isStopping })
        self.audit = audit
        self.topics = topics
        self.replica = replica
        self.maxInFlight = max(1, maxInFlight)
        self.logger = logger
    }

    /// Runs until stopped (``stop()`` or graceful shutdown); batches in flight are finished.
    public func run() async {
        await input.run({ batch in await self.handle(batch) }, drain: { await self.finishInFlight() })
    }

    /// The consumer's counters (buffer, back-pressure pauses, rebalances).
    public var consumerStatistics: KafkaConsumerStatistics { input.statistics }

    /// Stops after the batch in hand.
    public func stop() {
        input.stop()
    }

    private func handle(_ batch: [KafkaMessage]) async {
        let t0 = StageTrace.enabled ? StageTrace.now() : 0
        let outputs = await processor.process(batch)
        guard !input.isStopping else { return }
        let records = outputs.map(\.record)
        let t1 = StageTrace.enabled ? StageTrace.now() : 0
        let started = await delivery.start(records)
        let t2 = StageTrace.enabled ? StageTrace.now() : 0
        let task = Task {
            await self.finish(batch, outputs, started)
            StageTrace.log("validate \(batch.count): decode \(Int(t1 - t0)) ms, enqueue \(Int(t2 - t1)) ms, acks+ack \(Int(StageTrace.now() - t2)) ms")
        }
        let oldest = inFlight.withLock { tasks -> Task<Void, Never>? in
            tasks.append(task)
            return tasks.count > maxInFlight ? tasks.removeFirst() : nil
        }
        await oldest?.value
    }

    /// Waits for every batch in flight.
    private func finishInFlight() async {
        let tasks = inFlight.withLock { tasks -> [Task<Void, Never>] in
            defer { tasks = [] }
            return tasks
        }
        for task in tasks { await task.value }
    }

    private func finish(
        _ batch: [KafkaMessage], _ outputs: [ValidateProcessor.Output], _ started: Result<PendingSend, any Error>
    ) async {
        guard let refused = await delivery.complete(outputs.map(\.record), started),
              let replacements = await delivery.quarantine(
                  refused, source: { batch[$0] }, stage: .validate, topics: topics, replica: replica)
        else { return }
        var outputs = outputs
        for (index, output) in replacements { outputs[index] = output }
        await audit.record(outputs.map(\.audit))
        input.acknowledge(batch)
        let quarantined = outputs.filter(\.quarantined).count
        counters.update {
            $0.batches += 1
            $0.consumed += batch.count
            $0.produced += outputs.count - quarantined
            $0.quarantined += quarantined
        }
    }
}
