import Foundation
import Kafka
import Logging
import OrderModel
import Synchronization

/// The validate stage: consumer group `<p>.validate` on `<p>.ingest.raw`; forwards what decodes and
/// maps to `<p>.validated` and quarantines the rest. Input offsets are acknowledged only after the
/// output records are acknowledged by the broker.
///
/// Two batches overlap: batch N+1 is decoded while batch N's records await their acks; sends stay
/// one batch at a time and in order (N+1 is sent only after N is acknowledged), so per-key order holds.
public final class ValidateStage: Sendable {
    private let processor: ValidateProcessor
    private let sink: any RecordSink
    private let audit: any AuditSink
    private let input: StageConsumer
    private let logger: Logger
    /// The previous batch's send → audit → acknowledge, still in flight.
    private let inFlight = Mutex<Task<Void, Never>?>(nil)
    /// What the stage did so far.
    public let counters = StageCounters()

    /// Creates the stage and its consumer (joins the group in the background).
    public init(
        kafka: KafkaConfig, topics: PipelineTopics, matrix: MappingMatrix, sink: any RecordSink,
        audit: any AuditSink, replica: String = "validate-0", options: KafkaConsumerOptions = .init(),
        logger: Logger = Logger(label: "driftless.validate")
    ) throws {
        input = try StageConsumer(
            stage: .validate, kafka: kafka, topics: topics, input: topics.ingestRaw, options: options, logger: logger)
        processor = ValidateProcessor(decoder: ObservationDecoder(matrix: matrix), topics: topics, replica: replica)
        self.sink = sink
        self.audit = audit
        self.logger = logger
    }

    /// Runs until stopped (``stop()`` or graceful shutdown).
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
        let outputs = await processor.process(batch)
        await finishInFlight()
        guard !input.isStopping else { return }
        let task = Task { await self.deliver(batch, outputs) }
        inFlight.withLock { $0 = task }
    }

    /// Waits for the previous batch's delivery.
    private func finishInFlight() async {
        let task = inFlight.withLock { current -> Task<Void, Never>? in
            defer { current = nil }
            return current
        }
        await task?.value
    }

    private func deliver(_ batch: [KafkaMessage], _ outputs: [ValidateProcessor.Output]) async {
        let sent = await retryUntilStopped("validate produce", logger: logger, shouldStop: { self.input.isStopping }) {
            try await self.sink.send(outputs.map(\.record))
        }
        guard sent != nil else { return }
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
