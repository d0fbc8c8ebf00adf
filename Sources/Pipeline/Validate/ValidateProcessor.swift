import Foundation
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
            return Self.quarantine(message, rejection: error, stage: .validate, topics: topics, replica: replica)
        }
    }

    /// Decides for every record of `batch`, in order. Decoding a channel payload is the stage's main
    /// cost, so a large batch is split into one slice per core, decoded concurrently.
    public func process(_ batch: [KafkaMessage]) async -> [Output] {
        await ParallelBatch.map(batch, minimumSlice: 64) { self.process($0) }
    }

    /// The quarantine record and audit row for `message` whose output the broker refused for good
    /// (`reason` = the delivery error). The value is left out: it may be what made the record too
    /// large; the original stays on `dl-orig-topic`/`-partition`/`-offset`.
    static func undeliverable(
        _ message: KafkaMessage, reason: String, stage: StageName, topics: PipelineTopics, replica: String
    ) -> Output {
        var output = quarantine(
            message, rejection: .undeliverable(reason), stage: stage, topics: topics, replica: replica)
        output.record.value = nil
        return output
    }

    /// The quarantine record and audit row for `message` refused by `stage` with `rejection`.
    static func quarantine(
        _ message: KafkaMessage, rejection: StageRejection, stage: StageName, topics: PipelineTopics,
        replica: String, fromState: String? = nil
    ) -> Output {
        let headers = HeaderMap(message.headers)
        let info = QuarantineInfo(
            stage: stage, reason: rejection.description, originalTopic: message.topic,
            originalPartition: message.partition, originalOffset: message.offset)
        // Key: the order key, or the event id when the order is unknown.
        let eventID = headers[EnvelopeHeader.eventID] ?? "\(message.topic)/\(message.partition)/\(message.offset)"
        let orderKey: String
        if let channel = headers[EnvelopeHeader.channel], let order = headers[EnvelopeHeader.orderID], !order.isEmpty {
            orderKey = "\(channel):\(order)"
        } else {
            orderKey = message.keyString ?? eventID
        }
        let record = ProducerRecord(
            topic: topics.quarantine, key: message.key ?? Array(eventID.utf8), value: message.value,
            headers: info.headers(appendingTo: ObservationHeader.removing(from: message.headers)))
        let audit = AuditRecord(
            hop: rejection.code == "illegal-transition" ? .illegal : .quarantined, orderKey: orderKey,
            channel: headers[EnvelopeHeader.channel], eventID: eventID, stage: stage.rawValue,
            replica: replica, topic: message.topic, partition: message.partition, offset: message.offset,
            fromState: fromState, reason: rejection.code, detail: rejection.description,
            traceID: headers[EnvelopeHeader.traceID])
        return Output(record: record, audit: audit, quarantined: true)
    }
}
