import Foundation
import Kafka
import OrderModel
import Pipeline

/// Records as the stages write them to `<p>.quarantine` and (per the header contract in
/// docs/ARCHITECTURE.md, "Dead-letter stage") to `<p>.dead-letter`.
enum DeadLetterRecords {
    static let receivedAt = Date(timeIntervalSince1970: 1_795_000_000)

    /// A validate quarantine record: the raw payload, the envelope and quarantine provenance.
    static func quarantined(topics: PipelineTopics, order: String = "7001", event: String = "w-7001") -> ProducerRecord
    {
        let envelope = Envelope(
            eventID: event, channel: .shopify, orderID: order, kind: "orders/updated", receivedAt: receivedAt,
            traceID: "trace-\(event)")
        let info = QuarantineInfo(
            stage: .validate, reason: "unmapped-status: financial_status=on_hold_for_review",
            originalTopic: topics.ingestRaw, originalPartition: 2, originalOffset: 41)
        return ProducerRecord(
            topic: topics.quarantine, key: Array("shopify:\(order)".utf8),
            value: Array("{\"id\":\(order),\"financial_status\":\"on_hold_for_review\"}".utf8),
            headers: info.headers(appendingTo: envelope.headers))
    }

    /// A dispatch dead-letter record: the canonical event unchanged, the envelope and the retry
    /// history headers.
    static func deadLettered(topics: PipelineTopics, order: String = "902-1", caseID: Int64? = nil) throws
        -> ProducerRecord
    {
        let key = OrderKey(channel: .amazon, orderID: order)
        let eventID = CanonicalEvent.eventID(orderKey: key, sourceEventID: "src-\(order)")
        let event = CanonicalEvent(
            eventID: eventID, orderKey: key, channel: .amazon, orderID: order, sourceEventID: "src-\(order)",
            sourceKind: "amazon/order", sourceTimestamp: receivedAt, previousState: nil, state: .shipped,
            previousDimensions: nil, dimensions: OrderDimensions(payment: .captured, fulfillment: .fulfilled),
            facts: OrderFacts(), erpTarget: nil, version: 3, mappingVersion: 1, traceID: "trace-\(order)")
        let envelope = Envelope(
            eventID: eventID, channel: .amazon, orderID: order, kind: "canonical/SHIPPED", receivedAt: receivedAt,
            sourceTimestamp: receivedAt, traceID: "trace-\(order)")
        var headers = envelope.headers
        let contract: [(String, String)] = [
            (EnvelopeHeader.stage, "dispatch"),
            (EnvelopeHeader.reason, "erp-unavailable: HTTP 503 on \(key)#status#3 after 12 attempts"),
            (EnvelopeHeader.originalTopic, topics.canonical), (EnvelopeHeader.originalPartition, "1"),
            (EnvelopeHeader.originalOffset, "17"), (EnvelopeHeader.attempts, "12"),
            (EnvelopeHeader.firstFailure, "2026-11-18T10:00:00Z"), (EnvelopeHeader.lastStatus, "503"),
            (EnvelopeHeader.lastError, "HTTP 503 Service Unavailable"), (EnvelopeHeader.effectID, "\(key)#status#3"),
            (EnvelopeHeader.tier, "5m"),
        ]
        headers += contract.map { KafkaHeader(key: $0.0, string: $0.1) }
        if let caseID { headers.append(KafkaHeader(key: EnvelopeHeader.caseID, string: String(caseID))) }
        return ProducerRecord(
            topic: topics.deadLetter, key: Array(key.description.utf8),
            value: Array(try CanonicalEvent.encoder.encode(event)),
            headers: headers)
    }
}
