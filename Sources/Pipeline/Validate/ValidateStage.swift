import Kafka
import Logging
import OrderModel
import ServiceLifecycle

/// The validate stage: consumer group `<p>.validate` on `<p>.ingest.raw`; forwards what decodes and
/// maps to `<p>.validated` and quarantines the rest (``ValidateLogic`` on the ``StageRunner``
/// skeleton). Input offsets are acknowledged only after the output records are acknowledged by the
/// broker; up to `maxInFlight` batches await their acks at once. A record the broker will never
/// accept (e.g. too large) is quarantined with the reason instead of being retried forever;
/// transient failures are retried until they succeed or the stage stops.
public final class ValidateStage: Service, CustomStringConvertible, Sendable {
    private let input: StageConsumer
    private let runner: StageRunner<ValidateLogic>
    /// What the stage did so far.
    public let counters = StageCounters()

    public var description: String { "validate" }

    /// Creates the stage and its consumer (joins the group in the background). `maxInFlight`:
    /// batches awaiting their acks at once.
    public init(
        kafka: KafkaConfig, topics: PipelineTopics, matrix: MappingMatrix, sink: any RecordSink,
        audit: any AuditSink, replica: String = "validate-0", options: KafkaConsumerOptions = .init(),
        maxInFlight: Int = 4, logger: Logger = Logger(label: "driftless.validate")
    ) throws {
        input = try StageConsumer(
            stage: .validate, kafka: kafka, topics: topics, input: topics.ingestRaw, options: options, logger: logger)
        let processor = ValidateProcessor(decoder: ObservationDecoder(matrix: matrix), topics: topics, replica: replica)
        runner = StageRunner(
            logic: ValidateLogic(processor: processor), stage: .validate, input: input, sink: sink, audit: audit,
            topics: topics, replica: replica, counters: counters, maxInFlight: maxInFlight, logger: logger)
    }

    /// Runs until stopped (``stop()`` or graceful shutdown); batches in flight are finished.
    public func run() async {
        await runner.run()
    }

    /// The consumer's counters (buffer, back-pressure pauses, rebalances).
    public var consumerStatistics: KafkaConsumerStatistics { input.statistics }

    /// Stops after the batch in hand.
    public func stop() {
        input.stop()
    }
}
