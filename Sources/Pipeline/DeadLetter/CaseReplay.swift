import Foundation
import Kafka
import Ledger

/// How a case re-enters the pipeline: at the stage that failed, with the original value and
/// envelope headers (provenance and retry headers removed) plus `dl-case-id`.
public enum CaseReplay {
    /// The topic a case re-enters at: validate failures → `<p>.ingest.raw`, translate failures →
    /// `<p>.validated`, dispatch failures → `<p>.canonical`, reconciliation's flagged orders →
    /// `<p>.ingest.raw` (their current truth, ``ReconcileCaseCheck``); another stage → the original topic.
    public static func topic(for value: DeadLetterCase, topics: PipelineTopics) -> String? {
        switch value.provenance.stage {
        case StageName.validate.rawValue: topics.ingestRaw
        case StageName.translate.rawValue: topics.validated
        case StageName.dispatch.rawValue: topics.canonical
        case ReconcileCaseCheck.stage: topics.ingestRaw
        default: value.provenance.originalTopic
        }
    }

    /// The record a replay of `value` produces to `topic`.
    public static func record(for value: DeadLetterCase, topic: String) -> ProducerRecord {
        var headers = value.payload.headers
            .filter { !EnvelopeHeader.strippedOnReplay.contains($0.key) }
            .map { KafkaHeader(key: $0.key, value: $0.value.map { [UInt8]($0) }) }
        headers.append(KafkaHeader(key: EnvelopeHeader.caseID, string: String(value.id)))
        return ProducerRecord(
            topic: topic, key: value.payload.key.map { [UInt8]($0) }, value: value.payload.value.map { [UInt8]($0) },
            headers: headers)
    }
}
