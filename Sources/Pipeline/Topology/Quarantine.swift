import Kafka
import Ledger

/// How a record becomes a quarantine record: every stage that refuses a record (validate,
/// translate, dispatch, retry) and the runner that quarantines what the broker refuses for good
/// build it here, so a case looks the same whoever opened it.
enum Quarantine {
    /// The quarantine record and audit row for `message` refused by `stage` with `rejection`: the
    /// original key, value and headers (less `dl-observation`), plus the quarantine headers.
    static func output(
        _ message: KafkaMessage, rejection: StageRejection, stage: StageName, topics: PipelineTopics,
        replica: String, fromState: String? = nil
    ) -> StageOutput {
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
        return StageOutput(record: record, audit: audit, quarantined: true)
    }

    /// The quarantine record and audit row for `message` whose output the broker refused for good
    /// (`reason` = the delivery error). The value is left out: it may be what made the record too
    /// large; the original stays on `dl-orig-topic`/`-partition`/`-offset`.
    static func undeliverable(
        _ message: KafkaMessage, reason: String, stage: StageName, topics: PipelineTopics, replica: String
    ) -> StageOutput {
        var output = output(message, rejection: .undeliverable(reason), stage: stage, topics: topics, replica: replica)
        output.record.value = nil
        return output
    }
}
