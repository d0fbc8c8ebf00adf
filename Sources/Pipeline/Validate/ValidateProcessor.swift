import Kafka
import Ledger
import OrderModel

/// The decision of validate for one raw record: forward it to `<p>.validated` (same key, value and
/// headers, plus the decoded observation in `dl-observation`) or quarantine it with the reason.
/// Nothing is ever dropped.
public struct ValidateProcessor: Sendable {
    /// The record to produce and the audit row to write once it is acknowledged.
    public typealias Output = StageOutput

    private let decoder: ObservationDecoder
    private let topics: PipelineTopics
    private let replica: String

    public init(decoder: ObservationDecoder, topics: PipelineTopics, replica: String) {
        self.decoder = decoder
        self.topics = topics
        self.replica = replica
    }

    /// Decides what to do with `message`.
    public func process(_ message: KafkaMessage) -> Output {
        do {
            let (envelope, observation) = try decoder.decode(message)
            let record = ProducerRecord(
                topic: topics.validated, key: message.key ?? observation.key.bytes, value: message.value,
                headers: ObservationHeader.removing(
                    from: message.headers, thenAppending: ObservationHeader.header(observation)))
            let audit = AuditRecord(
                hop: .validated, orderKey: observation.key.description, channel: envelope.channel.rawValue,
                eventID: envelope.eventID, stage: StageName.validate.rawValue, replica: replica,
                topic: message.topic, partition: message.partition, offset: message.offset,
                toState: observation.canonicalState.rawValue, traceID: envelope.traceID)
            return Output(record: record, audit: audit, quarantined: false)
        } catch {
            return Quarantine.output(message, rejection: error, stage: .validate, topics: topics, replica: replica)
        }
    }

    /// Decides for every record of `batch`, in order. Decoding a channel payload is the stage's main
    /// cost, so a large batch is split into one slice per core, decoded concurrently.
    public func process(_ batch: [KafkaMessage]) async -> [Output] {
        await ParallelBatch.map(batch, minimumSlice: 64) { self.process($0) }
    }
}
