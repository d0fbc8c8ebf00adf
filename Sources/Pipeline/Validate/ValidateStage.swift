import Kafka
import Logging
import OrderModel

/// The validate stage, a transform: consumer group `<p>.validate` on `<p>.ingest.raw`; forwards
/// what decodes and maps to `<p>.validated` and quarantines the rest (``ValidateLogic``). Up to
/// `maxInFlight` batches await their acks at once.
public typealias ValidateStage = Stage<ValidateLogic>

extension Stage where Logic == ValidateLogic {
    /// Creates the stage and its consumer (joins the group in the background). `maxInFlight`:
    /// batches awaiting their acks at once.
    public convenience init(
        kafka: KafkaConfig, topics: PipelineTopics, matrix: MappingMatrix, sink: any RecordSink,
        audit: any AuditSink, replica: String = "validate-0", options: KafkaConsumerOptions = .init(),
        maxInFlight: Int = 4, logger: Logger = Logger(label: "driftless.validate")
    ) throws {
        let input = try StageConsumer(
            stage: .validate, kafka: kafka, topics: topics, input: topics.ingestRaw, options: options, logger: logger)
        let processor = ValidateProcessor(decoder: ObservationDecoder(matrix: matrix), topics: topics, replica: replica)
        self.init(
            .validate, logic: ValidateLogic(processor: processor), input: input, sink: sink, audit: audit,
            topics: topics, replica: replica, maxInFlight: maxInFlight, logger: logger)
    }
}
