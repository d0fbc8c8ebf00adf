import Kafka
import Logging

/// What the validate and translate stages share: the consumer of the stage's input topic in the
/// stage's group and the `StageLoop` that drives it batch by batch.
struct StageConsumer: Sendable {
    let consumer: KafkaConsumer
    let loop: StageLoop

    /// Creates the consumer (joins the group in the background) and its loop.
    init(
        stage: StageName, kafka: KafkaConfig, topics: PipelineTopics, input: String,
        options: KafkaConsumerOptions, logger: Logger
    ) throws {
        try self.init(stage: stage, kafka: kafka, topics: topics, inputs: [input], options: options, logger: logger)
    }

    /// A consumer of several input topics (the dead-letter stage reads dead-letter and quarantine),
    /// in the stage's group unless `group` names another.
    init(
        stage: StageName, kafka: KafkaConfig, topics: PipelineTopics, inputs: [String],
        options: KafkaConsumerOptions, group: String? = nil, logger: Logger
    ) throws {
        consumer = try KafkaConsumer(
            config: kafka, groupID: group ?? topics.consumerGroup(for: stage), topics: inputs, options: options,
            logger: logger)
        loop = StageLoop(name: stage.rawValue, consumer: consumer, logger: logger)
    }

    /// Runs `handler` on every batch until stopped, then `drain`, then closes the consumer.
    func run(
        _ handler: @escaping @Sendable ([KafkaMessage]) async -> Void,
        drain: @escaping @Sendable () async -> Void = {}
    ) async {
        await loop.run(handler, drain: drain)
    }

    /// Whether a stop was requested (a handler then gives up without acknowledging).
    var isStopping: Bool { loop.isStopping }

    /// Stops after the batch in hand.
    func stop() {
        loop.requestStop()
    }

    /// The consumer's counters (buffer, back-pressure pauses, rebalances).
    var statistics: KafkaConsumerStatistics { consumer.statistics }

    /// Whether `message`'s partition is still this consumer's since it was delivered.
    func owns(_ message: KafkaMessage) -> Bool {
        consumer.owns(message)
    }

    /// Marks `batch` done (committed with the next commit).
    func acknowledge(_ batch: [KafkaMessage]) {
        consumer.acknowledge(batch)
    }
}
