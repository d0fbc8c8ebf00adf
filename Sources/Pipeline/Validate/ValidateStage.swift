import Foundation
import Kafka
import Logging
import OrderModel

/// The validate stage: consumer group `<p>.validate` on `<p>.ingest.raw`; forwards what decodes and
/// maps to `<p>.validated` and quarantines the rest. Input offsets are acknowledged only after the
/// output records are acknowledged by the broker.
public final class ValidateStage: Sendable {
    private let processor: ValidateProcessor
    private let sink: any RecordSink
    private let audit: any AuditSink
    private let input: StageConsumer
    private let logger: Logger
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
        await input.run { batch in await self.handle(batch) }
    }

    /// The consumer's counters (buffer, back-pressure pauses, rebalances).
    public var consumerStatistics: KafkaConsumerStatistics { input.statistics }

    /// Stops after the batch in hand.
    public func stop() {
        input.stop()
    }

    private func handle(_ batch: [KafkaMessage]) async {
        let outputs = batch.map(processor.process)
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
